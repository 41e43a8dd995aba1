# Sign files with signtool (Windows SDK), SHA-256 with an RFC 3161 timestamp.
#   pwsh -NoProfile -File packaging/sign.ps1 FILE...
# Reads the certificate from the environment, never from the command line:
#   COUNTER_APP_CERT_PFX       path of the .pfx file
#   COUNTER_APP_CERT_PASSWORD  its password
#   COUNTER_APP_TIMESTAMP_URL  optional (default http://timestamp.digicert.com)
# Used by the windows workflow for the exe files, and by makensis (!finalize and
# !uninstfinalize, through make_installer.py --sign-command) for the installer and the
# uninstaller inside it.
param([Parameter(ValueFromRemainingArguments = $true)][string[]]$Files)
$ErrorActionPreference = "Stop"
if (-not $env:COUNTER_APP_CERT_PFX) { throw "COUNTER_APP_CERT_PFX is not set" }
$url = if ($env:COUNTER_APP_TIMESTAMP_URL) { $env:COUNTER_APP_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
  Sort-Object FullName -Descending | Select-Object -First 1
if (-not $signtool) { throw "signtool.exe not found (Windows SDK)" }
foreach ($file in $Files) {
  & $signtool.FullName sign /f $env:COUNTER_APP_CERT_PFX /p $env:COUNTER_APP_CERT_PASSWORD `
    /fd SHA256 /tr $url /td SHA256 /d "counter_app" $file
  if ($LASTEXITCODE -ne 0) { throw "signtool failed on $file" }
  & $signtool.FullName verify /pa $file
  if ($LASTEXITCODE -ne 0) { throw "the signature of $file does not verify" }
}
