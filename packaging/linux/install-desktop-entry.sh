#!/bin/sh
# Add IntroStudio to this user's application menu (the .desktop file and icon under ~/.local/share), pointing
# at this unpacked folder. Run it again after moving the folder; `--remove` takes the entry away.
set -eu
here=$(dirname "$(readlink -f "$0")")
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor/256x256/apps
if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/introstudio.desktop" "$icons/introstudio.png"
  echo "IntroStudio removed from the application menu."
  exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/introstudio.png" "$icons/introstudio.png"
sed -e "s|^Exec=.*|Exec=\"$here/IntroStudio\" gui %f|" -e "s|^TryExec=.*||" "$here/introstudio.desktop" > "$apps/introstudio.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "IntroStudio added to the application menu ($apps/introstudio.desktop)."
