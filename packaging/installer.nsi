; counter_app installer: one per office, in Vietnamese. Per user by default (no
; administrator, %LOCALAPPDATA%\Programs); per machine on request (Program Files, for
; PCs whose AppLocker/SRP policy blocks programs under %LOCALAPPDATA%): the installer
; asks for administrator rights only then. Windows 8.1 or later, 64-bit only.
;
; Command line (silent installs by the IT person or a deployment tool):
;   setup.exe /S                      per user, into %LOCALAPPDATA%\Programs\counter_app
;   setup.exe /S /ALLUSERS            per machine (run elevated), into Program Files
;   setup.exe /S /D=C:\Some Folder    into that folder (/D last, unquoted)
;   setup.exe /S /DOWNGRADE           allow installing over a NEWER version (refused silently otherwise)
; Exit codes: 0 done; 1 cancelled/refused (e.g. a downgrade, or the app is open); 2 this
; Windows is not supported; 3 per-machine without administrator rights.
;
; Built by packaging/make_installer.py, which passes (makensis -D...):
;   VERSION      the build's version from git, e.g. 0.2.0.post3+g1a2b3c4
;   OFFICE_CODE  office code from the profile (ASCII; part of the file name)
;   OFFICE_NSH   generated include with OFFICE_NAME, VERSION_4, PRODUCT_DESCRIPTION
;                (the Vietnamese text travels in a UTF-8 file, not on a command line)
;   DIST_DIR     the PyInstaller one-folder bundle (dist/counter_app)
;   OUT_DIR      where the installer is written
;   EXE_NAME     counter_app.exe (counter_app for the Linux bundle CI compiles against)
;   CONSOLE_EXE_NAME  counter_app_console.exe, the console twin for the command line
;   ICON         packaging/icon.ico
;   FAST         optional: zlib instead of solid LZMA (CI proof only)
;   SIGN_COMMAND optional: a command that signs the file given as its last argument
;
; The user's data (%LOCALAPPDATA%\counter_app\counter_app: database, backups, logs,
; exports) is outside the program folder and always per user, whichever install mode:
; installing, upgrading and uninstalling never touch it, unless the person uninstalling a
; per-user install ticks "also delete the data" and confirms.

Unicode true
ManifestDPIAware true
; Without the supportedOS entries Windows reports 8.1 and later as 8.0 to the installer,
; and the Windows 8.1 check below would refuse every PC.
ManifestSupportedOS all
!ifdef FAST
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif
; Signing (the windows workflow, when a certificate secret exists): makensis runs the
; command on the uninstaller before packing it and on the finished installer.
!ifdef SIGN_COMMAND
  !uninstfinalize '${SIGN_COMMAND} "%1"' = 0
  !finalize '${SIGN_COMMAND} "%1"' = 0
!endif

!macro REQUIRE NAME
  !ifndef ${NAME}
    !error "makensis -D${NAME}=... is required (use packaging/make_installer.py)"
  !endif
!macroend
!insertmacro REQUIRE VERSION
!insertmacro REQUIRE OFFICE_CODE
!insertmacro REQUIRE OFFICE_NSH
!insertmacro REQUIRE DIST_DIR
!insertmacro REQUIRE OUT_DIR
!include "${OFFICE_NSH}"
!insertmacro REQUIRE OFFICE_NAME
!insertmacro REQUIRE VERSION_4
!ifndef EXE_NAME
  !define EXE_NAME "counter_app.exe"
!endif
!ifndef CONSOLE_EXE_NAME
  !define CONSOLE_EXE_NAME "counter_app_console.exe"
!endif
!ifndef ICON
  !define ICON "icon.ico"
!endif

!define PRODUCT "counter_app"
!define APP_TITLE "Sổ hướng dẫn nộp hồ sơ trực tuyến"
!define SHORTCUT_NAME "${APP_TITLE}.lnk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"
; platformdirs.user_data_dir("counter_app", "counter_app", roaming=False); see paths.py
!define DATA_PARENT "$LOCALAPPDATA\counter_app"
!define DATA_DIR "${DATA_PARENT}\counter_app"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "WordFunc.nsh"
!include "nsDialogs.nsh"

Name "${APP_TITLE} — ${OFFICE_NAME} (${OFFICE_CODE})"
Caption "Cài đặt ${APP_TITLE} ${VERSION} — ${OFFICE_CODE}"
UninstallCaption "Gỡ cài đặt ${APP_TITLE} — ${OFFICE_CODE}"
OutFile "${OUT_DIR}\counter_app-${OFFICE_CODE}-${VERSION}-setup.exe"
; Starts without administrator rights; a per-machine install restarts itself elevated
; (ExecShell runas). No InstallDir: .onInit picks the folder of the chosen mode, unless
; /D= gave one.
RequestExecutionLevel user
!define USER_INSTDIR "$LOCALAPPDATA\Programs\${PRODUCT}"
!define MACHINE_INSTDIR "$PROGRAMFILES64\${PRODUCT}"
Var Mode          ; "user" or "machine"
Var DirGiven      ; 1 when /D= chose the folder
Var ModeUser
Var ModeMachine
Var UninstallMode ; "/ALLUSERS" for a per-machine install, written into UninstallString
BrandingText "${PRODUCT} ${VERSION} · ${OFFICE_CODE}"
ShowInstDetails show
ShowUninstDetails show

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_TITLE}"
!define MUI_WELCOMEPAGE_TEXT "Bộ cài này dành cho:$\r$\n${OFFICE_NAME} (mã ${OFFICE_CODE}).$\r$\n$\r$\nPhiên bản ${VERSION}. Mặc định cài cho tài khoản Windows đang dùng, không cần quyền quản trị.$\r$\n$\r$\nDữ liệu (nếu máy đã dùng ứng dụng) được giữ nguyên khi cài lại hoặc nâng cấp."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_TITLE} ngay"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chương trình sẽ được gỡ khỏi máy. Dữ liệu (các lượt đã ghi, bản sao lưu, báo cáo) trong ${DATA_DIR} được GIỮ LẠI, trừ khi bạn chọn xóa ở bước sau."

!insertmacro MUI_PAGE_WELCOME
Page custom ModePageShow ModePageLeave
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION_4}"
VIFileVersion "${VERSION_4}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_TITLE}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Cài đặt ${APP_TITLE} — ${OFFICE_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "CompanyName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "MIT License"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "Comments" "${OFFICE_CODE}"

; A running app keeps its exe open: replacing or removing it half-way would break it.
!macro REFUSE_WHILE_RUNNING EXE
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      MessageBox MB_OK|MB_ICONSTOP "${APP_TITLE} đang mở. Hãy đóng ứng dụng rồi chạy lại." /SD IDOK
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Section "Chương trình (bắt buộc)" SecProgram
  SectionIn RO
  Call ApplyMode
  !insertmacro REFUSE_WHILE_RUNNING "${EXE_NAME}"
  !insertmacro REFUSE_WHILE_RUNNING "${CONSOLE_EXE_NAME}"
  SetOutPath "$INSTDIR"
  ; Files of an older version must not linger next to the new ones. Only the program's
  ; own items are removed; the data folder is elsewhere.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${SHORTCUT_NAME}" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0

  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP_TITLE} — ${OFFICE_CODE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  ; the dotted four numbers the next installer compares (downgrade warning)
  WriteRegStr SHCTX "${UNINST_KEY}" "VersionNumber" "${VERSION_4}"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallMode" "$Mode"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Comments" "${OFFICE_NAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" $UninstallMode'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S $UninstallMode'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Lối tắt trên màn hình nền" SecDesktop
  Call ApplyMode
  CreateShortcut "$DESKTOP\${SHORTCUT_NAME}" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0
SectionEnd

Section "un.Chương trình (bắt buộc)" SecUnProgram
  SectionIn RO
  Call un.ApplyMode
  !insertmacro REFUSE_WHILE_RUNNING "${EXE_NAME}"
  !insertmacro REFUSE_WHILE_RUNNING "${CONSOLE_EXE_NAME}"
  Delete "$SMPROGRAMS\${SHORTCUT_NAME}"
  Delete "$DESKTOP\${SHORTCUT_NAME}"
  ; Only what the installer put there: never RMDir /r "$INSTDIR" (it may have been
  ; pointed at a folder holding other files).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE_NAME}"
  Delete "$INSTDIR\${CONSOLE_EXE_NAME}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey SHCTX "${UNINST_KEY}"
SectionEnd

; Unticked by default: the data stays unless the person asks, and confirms.
Section /o "un.Xóa cả dữ liệu (các lượt đã ghi, bản sao lưu, báo cáo)" SecUnData
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Xóa VĨNH VIỄN toàn bộ dữ liệu trong ${DATA_DIR}, kể cả các bản sao lưu? Không thể hoàn tác." /SD IDNO IDYES delete_data
  DetailPrint "Giữ lại dữ liệu: ${DATA_DIR}"
  Goto data_done
  delete_data:
    RMDir /r "${DATA_DIR}"
    RMDir "${DATA_PARENT}"
    DetailPrint "Đã xóa dữ liệu: ${DATA_DIR}"
  data_done:
SectionEnd

; -- supported Windows, install mode, downgrade ----------------------------------------

!define MSG_OLD_WINDOWS "${APP_TITLE} cần Windows 8.1, Windows 10 hoặc Windows 11 (bản 64-bit). Máy này đang chạy phiên bản Windows cũ hơn nên không cài được. Hãy liên hệ bộ phận CNTT."
!define MSG_32BIT "${APP_TITLE} cần Windows bản 64-bit. Máy này chạy Windows 32-bit nên không cài được. Hãy liên hệ bộ phận CNTT."
!define MSG_NEED_ADMIN "Cài cho mọi tài khoản trên máy (vào Program Files) cần quyền quản trị. Hãy chạy bộ cài bằng chuột phải › Run as administrator, hoặc chọn cài cho tài khoản đang dùng."

!macro REFUSE_UNSUPPORTED_WINDOWS
  ${IfNot} ${AtLeastWin8.1}
    MessageBox MB_OK|MB_ICONSTOP "${MSG_OLD_WINDOWS}" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${MSG_32BIT}" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
!macroend

Function .onInit
  !insertmacro REFUSE_UNSUPPORTED_WINDOWS
  SetRegView 64
  StrCpy $DirGiven 0
  ${If} "$INSTDIR" != ""
    StrCpy $DirGiven 1 ; /D=... on the command line
  ${EndIf}
  ${GetParameters} $R0
  ; the mode: /ALLUSERS or /CURRENTUSER, else the mode of an existing install, else per user
  StrCpy $Mode "user"
  ReadRegStr $R1 HKLM "${UNINST_KEY}" "InstallLocation"
  ReadRegStr $R2 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $R1 != ""
  ${AndIf} $R2 == ""
    StrCpy $Mode "machine"
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R3
  ${IfNot} ${Errors}
    StrCpy $Mode "machine"
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/CURRENTUSER" $R3
  ${IfNot} ${Errors}
    StrCpy $Mode "user"
  ${EndIf}
  ${If} $Mode == "machine"
    Call RequireAdminOrElevate
  ${EndIf}
  Call ApplyMode
  Call WarnBeforeDowngrade
FunctionEnd

; Per machine needs an elevated process: silent installs say so and stop (exit code 3);
; an interactive one restarts itself through UAC with /ALLUSERS and this one ends.
Function RequireAdminOrElevate
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 == "Admin"
    Return
  ${EndIf}
  ${If} ${Silent}
    SetErrorLevel 3
    Quit
  ${EndIf}
  ClearErrors
  ${GetParameters} $R0
  ExecShell "runas" "$EXEPATH" "$R0 /ALLUSERS"
  ${If} ${Errors}
    MessageBox MB_OK|MB_ICONEXCLAMATION "${MSG_NEED_ADMIN}"
    StrCpy $Mode "user"
    Return
  ${EndIf}
  SetErrorLevel 0
  Quit
FunctionEnd

Function ApplyMode
  ${If} $Mode == "machine"
    SetShellVarContext all
    StrCpy $UninstallMode "/ALLUSERS"
    StrCpy $R9 "${MACHINE_INSTDIR}"
  ${Else}
    SetShellVarContext current
    StrCpy $UninstallMode ""
    StrCpy $R9 "${USER_INSTDIR}"
  ${EndIf}
  ${If} $DirGiven != 1
    ; an update goes where this mode's install already is (SHCTX follows the context)
    ReadRegStr $R8 SHCTX "${UNINST_KEY}" "InstallLocation"
    ${If} $R8 != ""
      StrCpy $R9 $R8
    ${EndIf}
    StrCpy $INSTDIR $R9
  ${EndIf}
FunctionEnd

; An older build over a newer one: its code may not read the newer data file (the app
; refuses it, untouched), so the IT person must mean it. Silent: refused unless /DOWNGRADE.
Function WarnBeforeDowngrade
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DOWNGRADE" $R3
  ${IfNot} ${Errors}
    Return
  ${EndIf}
  ${ForEach} $R4 0 1 + 1
    ${If} $R4 == 0
      ReadRegStr $R5 HKCU "${UNINST_KEY}" "VersionNumber"
      ReadRegStr $R6 HKCU "${UNINST_KEY}" "DisplayVersion"
    ${Else}
      ReadRegStr $R5 HKLM "${UNINST_KEY}" "VersionNumber"
      ReadRegStr $R6 HKLM "${UNINST_KEY}" "DisplayVersion"
    ${EndIf}
    ${If} $R5 == ""
      StrCpy $R5 $R6 ; builds before 0.2 wrote only DisplayVersion (plain numbers)
    ${EndIf}
    ${If} $R5 != ""
      ${VersionCompare} "${VERSION_4}" "$R5" $R7
      ${If} $R7 == 2
        MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Máy này đang có phiên bản $R6, MỚI HƠN bản cài này (${VERSION}).$\r$\n$\r$\nCài bản cũ hơn có thể khiến ứng dụng không mở được dữ liệu đã ghi bằng bản mới (dữ liệu không bị mất, nhưng phải cài lại bản mới mới dùng được).$\r$\n$\r$\nVẫn cài bản cũ hơn?" /SD IDNO IDYES downgrade_ok
        SetErrorLevel 1
        Quit
        downgrade_ok:
      ${EndIf}
    ${EndIf}
  ${Next}
FunctionEnd

Function ModePageShow
  !insertmacro MUI_HEADER_TEXT "Cài cho ai?" "Dữ liệu luôn riêng cho từng tài khoản Windows, dù chọn cách nào."
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateRadioButton} 0 10u 100% 12u "Chỉ tài khoản đang dùng (khuyên dùng, không cần quyền quản trị)"
  Pop $ModeUser
  ${NSD_CreateLabel} 12u 24u 95% 20u "Cài vào %LOCALAPPDATA%\Programs\${PRODUCT}."
  Pop $0
  ${NSD_CreateRadioButton} 0 50u 100% 12u "Mọi tài khoản trên máy (vào Program Files, cần quyền quản trị)"
  Pop $ModeMachine
  ${NSD_CreateLabel} 12u 64u 95% 40u "Chọn cách này khi chính sách của cơ quan (AppLocker/SRP) chặn chương trình chạy từ thư mục AppData, hoặc khi nhiều cán bộ dùng chung máy với các tài khoản Windows khác nhau."
  Pop $0
  ${If} $Mode == "machine"
    ${NSD_Check} $ModeMachine
  ${Else}
    ${NSD_Check} $ModeUser
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ModePageLeave
  ${NSD_GetState} $ModeMachine $0
  ${If} $0 == ${BST_CHECKED}
    StrCpy $Mode "machine"
    Call RequireAdminOrElevate
  ${Else}
    StrCpy $Mode "user"
  ${EndIf}
  Call ApplyMode
FunctionEnd

; The uninstaller removes the install it belongs to: per machine when it sits where the
; per-machine install is registered (or /ALLUSERS), which needs administrator rights.
Function un.onInit
  SetRegView 64
  StrCpy $Mode "user"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R3
  ${IfNot} ${Errors}
    StrCpy $Mode "machine"
  ${EndIf}
  ReadRegStr $R1 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $R1 == $INSTDIR
    StrCpy $Mode "machine"
  ${EndIf}
  ${If} $Mode == "machine"
    UserInfo::GetAccountType
    Pop $0
    ${If} $0 != "Admin"
      ${If} ${Silent}
        SetErrorLevel 3
        Quit
      ${EndIf}
      ClearErrors
      ExecShell "runas" "$EXEPATH" "/ALLUSERS _?=$INSTDIR"
      ${If} ${Errors}
        MessageBox MB_OK|MB_ICONSTOP "Bản cài cho mọi tài khoản chỉ gỡ được với quyền quản trị (chuột phải › Run as administrator)."
        SetErrorLevel 3
      ${EndIf}
      Quit
    ${EndIf}
    ; each Windows account keeps its own data: the uninstaller of a per-machine install
    ; never offers to delete "the" data folder (it would be the administrator's).
    SectionSetText ${SecUnData} ""
    SectionSetFlags ${SecUnData} 0
  ${EndIf}
  Call un.ApplyMode
FunctionEnd

Function un.ApplyMode
  ${If} $Mode == "machine"
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "Ứng dụng ghi lượt hướng dẫn và xuất báo cáo tuần, cùng lối tắt trong menu Start."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Đặt lối tắt mở ứng dụng trên màn hình nền."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnProgram} "Gỡ chương trình và các lối tắt. Dữ liệu được giữ lại."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "Xóa luôn thư mục dữ liệu ${DATA_DIR}. Chỉ chọn khi chắc chắn không cần dữ liệu nữa."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
