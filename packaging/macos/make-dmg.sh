#!/usr/bin/env bash
# macOS: sign (optional), notarise (optional) and pack build/package/dist/IntroStudio.app into a .dmg.
# Runs on a macOS runner after `scripts/package` (packaging/ci/build.yml). Untested here (no macOS).
# Signing: INTROSTUDIO_CODESIGN_IDENTITY="Developer ID Application: ..." (used by the spec as well).
# Notarising: NOTARY_PROFILE=name of a `xcrun notarytool store-credentials` profile.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(.venv/bin/python -c "import introstudio; print(introstudio.__version__)")
app=build/package/dist/IntroStudio.app
dmg=build/package/IntroStudio-$version-macos-$(uname -m).dmg
[ -d "$app" ] || { echo "no $app: run scripts/package first" >&2; exit 1; }
if [ -n "${INTROSTUDIO_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$INTROSTUDIO_CODESIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
fi
staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "IntroStudio $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
rm -rf "$staging"
if [ -n "${INTROSTUDIO_CODESIGN_IDENTITY:-}" ]; then
  codesign --sign "$INTROSTUDIO_CODESIGN_IDENTITY" --timestamp "$dmg"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
echo "dmg: $dmg"
