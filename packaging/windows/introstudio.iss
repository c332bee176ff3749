; Inno Setup 6 script: a per-machine installer for the one-folder bundle that `scripts/package` (PyInstaller,
; packaging/introstudio.spec) leaves in build\package\dist\introstudio on a Windows runner.
; Build: iscc /DAppVersion=0.1.0 /DSourceDir=build\package\dist\introstudio packaging\windows\introstudio.iss
; Silent install for IT (SCCM, Intune): IntroStudio-0.1.0-setup.exe /VERYSILENT /NORESTART /ALLUSERS
; The organisation's settings go in %ProgramData%\IntroStudio\org-settings.toml (see packaging/README.md);
; pass /ORGSETTINGS=\\server\share\org-settings.toml to copy one there during the install.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\package\dist\introstudio"
#endif

[Setup]
AppId={{6B1E4A52-3C1D-4F0B-9E57-1A7C2D9F4E10}
AppName=IntroStudio
AppVersion={#AppVersion}
AppPublisher=IntroStudio
DefaultDirName={autopf}\IntroStudio
DefaultGroupName=IntroStudio
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\package
OutputBaseFilename=IntroStudio-{#AppVersion}-setup
SetupIconFile=..\icons\introstudio.ico
UninstallDisplayIcon={app}\introstudio.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Signing: iscc /S"signtool=signtool sign /fd SHA256 /tr http://timestamp.example /td SHA256 $f" (set in CI)
#ifdef SignTool
SignTool=signtool
#endif

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{param:ORGSETTINGS}"; DestDir: "{commonappdata}\IntroStudio"; DestName: "org-settings.toml"; \
  Flags: external skipifsourcedoesntexist onlyifdoesntexist uninsneveruninstall; Check: HasOrgSettings

[Icons]
Name: "{autoprograms}\IntroStudio"; Filename: "{app}\introstudio.exe"; Parameters: "gui"; \
  IconFilename: "{app}\introstudio.exe"; Comment: "Clinician introduction videos"
Name: "{autodesktop}\IntroStudio"; Filename: "{app}\introstudio.exe"; Parameters: "gui"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\introstudio.exe"; Parameters: "gui"; Description: "Start IntroStudio"; \
  Flags: nowait postinstall skipifsilent runminimized

[Code]
function HasOrgSettings: Boolean;
begin
  Result := ExpandConstant('{param:ORGSETTINGS}') <> '';
end;
