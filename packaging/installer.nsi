; counter_app installer: one per office, per user (no administrator), in Vietnamese.
;
; Built by packaging/make_installer.py, which passes (makensis -D...):
;   VERSION      package version, e.g. 0.1.0 (from counter_app.__version__)
;   OFFICE_CODE  office code from the profile (ASCII; part of the file name)
;   OFFICE_NSH   generated include with OFFICE_NAME, VERSION_4, PRODUCT_DESCRIPTION
;                (the Vietnamese text travels in a UTF-8 file, not on a command line)
;   DIST_DIR     the PyInstaller one-folder bundle (dist/counter_app)
;   OUT_DIR      where the installer is written
;   EXE_NAME     counter_app.exe (counter_app for the Linux bundle CI compiles against)
;   CONSOLE_EXE_NAME  counter_app_console.exe, the console twin for the command line
;   ICON         packaging/icon.ico
;   FAST         optional: zlib instead of solid LZMA (CI proof only)
;
; The user's data (%LOCALAPPDATA%\counter_app\counter_app: database, backups, logs,
; exports) is outside the program folder: installing, upgrading and uninstalling never
; touch it, unless the person uninstalling ticks "also delete the data" and confirms.

Unicode true
ManifestDPIAware true
!ifdef FAST
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
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

Name "${APP_TITLE} — ${OFFICE_NAME} (${OFFICE_CODE})"
Caption "Cài đặt ${APP_TITLE} ${VERSION} — ${OFFICE_CODE}"
UninstallCaption "Gỡ cài đặt ${APP_TITLE} — ${OFFICE_CODE}"
OutFile "${OUT_DIR}\counter_app-${OFFICE_CODE}-${VERSION}-setup.exe"
; Per user, no administrator: %LOCALAPPDATA%\Programs like other per-user apps.
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION} · ${OFFICE_CODE}"
ShowInstDetails show
ShowUninstDetails show

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP_TITLE}"
!define MUI_WELCOMEPAGE_TEXT "Bộ cài này dành cho:$\r$\n${OFFICE_NAME} (mã ${OFFICE_CODE}).$\r$\n$\r$\nPhiên bản ${VERSION}. Cài cho tài khoản Windows đang dùng, không cần quyền quản trị.$\r$\n$\r$\nDữ liệu (nếu máy đã dùng ứng dụng) được giữ nguyên khi cài lại hoặc nâng cấp."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_TITLE} ngay"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chương trình sẽ được gỡ khỏi máy. Dữ liệu (các lượt đã ghi, bản sao lưu, báo cáo) trong ${DATA_DIR} được GIỮ LẠI, trừ khi bạn chọn xóa ở bước sau."

!insertmacro MUI_PAGE_WELCOME
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
  SetShellVarContext current
  !insertmacro REFUSE_WHILE_RUNNING "${EXE_NAME}"
  !insertmacro REFUSE_WHILE_RUNNING "${CONSOLE_EXE_NAME}"
  SetOutPath "$INSTDIR"
  ; Files of an older version must not linger next to the new ones. Only the program's
  ; own items are removed; the data folder is elsewhere.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${SHORTCUT_NAME}" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_TITLE} — ${OFFICE_CODE}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "Comments" "${OFFICE_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Lối tắt trên màn hình nền" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${SHORTCUT_NAME}" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0
SectionEnd

Section "un.Chương trình (bắt buộc)" SecUnProgram
  SectionIn RO
  SetShellVarContext current
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
  DeleteRegKey HKCU "${UNINST_KEY}"
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

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "Ứng dụng ghi lượt hướng dẫn và xuất báo cáo tuần, cùng lối tắt trong menu Start."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "Đặt lối tắt mở ứng dụng trên màn hình nền."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnProgram} "Gỡ chương trình và các lối tắt. Dữ liệu được giữ lại."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "Xóa luôn thư mục dữ liệu ${DATA_DIR}. Chỉ chọn khi chắc chắn không cần dữ liệu nữa."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
