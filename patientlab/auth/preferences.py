"""Display preferences, applied server-side as classes on <html>.

Visitors keep them in a cookie; logged-in users on their account (and the
cookie is refreshed so the choice survives logout on this device).

Which wins when the device and the account differ: what the person chose most recently
on this device. A visitor who reads at 150 % and then creates an account, or logs in to
an account that still has the defaults, keeps 150 %: the device's choice goes into the
account (``carry_into``), so it follows them to their other devices. An account that
already chose otherwise is never overwritten by a device; on a device that has a choice
of its own, the page follows the device (as GOV.UK's cookie-kept settings do: someone
who enlarged the text on this phone needs it here, whatever the desktop says), and the
account's choice on devices that have none. Saving « Affichage » while logged in writes
both.
"""

from dataclasses import dataclass

PREFS_COOKIE = "affichage"
TEXT_SIZES = (100, 125, 150, 200)


@dataclass(frozen=True)
class Preferences:
    text_size: int = 100
    high_contrast: bool = False
    dyslexia_font: bool = False
    wide_spacing: bool = False
    reduced_motion: bool = False

    def html_classes(self) -> list[str]:
        classes = [f"pl-text-{self.text_size}"]
        if self.high_contrast:
            classes.append("pl-contrast")
        if self.dyslexia_font:
            classes.append("pl-dyslexia")
        if self.wide_spacing:
            classes.append("pl-spacing")
        if self.reduced_motion:
            classes.append("pl-reduced-motion")
        return classes

    def to_cookie(self) -> str:
        flags = "".join(
            "1" if value else "0"
            for value in (self.high_contrast, self.dyslexia_font, self.wide_spacing,
                          self.reduced_motion)
        )
        return f"{self.text_size}-{flags}"

    @classmethod
    def from_cookie(cls, value: str | None) -> "Preferences":
        """Parse ``"125-1010"``; anything malformed gives the defaults."""
        return cls.parse(value) or cls()

    @classmethod
    def parse(cls, value: str | None) -> "Preferences | None":
        """The device's choice in ``"125-1010"``, or None when it made none (or the
        cookie is malformed)."""
        if not value or len(value) > 12:
            return None
        size, _, flags = value.partition("-")
        if not size.isdigit() or int(size) not in TEXT_SIZES:
            return None
        if len(flags) != 4 or set(flags) - {"0", "1"}:
            return None
        bits = [ch == "1" for ch in flags]
        return cls(int(size), *bits)

    @classmethod
    def from_user(cls, user) -> "Preferences":
        size = user.pref_text_size if user.pref_text_size in TEXT_SIZES else 100
        return cls(size, user.pref_high_contrast, user.pref_dyslexia_font,
                   user.pref_wide_spacing, user.pref_reduced_motion)

    def apply_to_user(self, user) -> None:
        user.pref_text_size = self.text_size
        user.pref_high_contrast = self.high_contrast
        user.pref_dyslexia_font = self.dyslexia_font
        user.pref_wide_spacing = self.wide_spacing
        user.pref_reduced_motion = self.reduced_motion


def device_preferences(request) -> Preferences | None:
    """What this device chose, or None when it chose nothing."""
    return Preferences.parse(request.cookies.get(PREFS_COOKIE))


def carry_into(user, device: Preferences | None) -> bool:
    """The device's choice goes into an account that still has the defaults (at sign-up,
    at login); an account that chose otherwise keeps its own. True when it changed."""
    if device is None or device == Preferences() or Preferences.from_user(user) != Preferences():
        return False
    device.apply_to_user(user)
    return True


def current_preferences(request, user) -> Preferences:
    """This device's choice when it made one, else the account's (see the module's
    docstring)."""
    device = device_preferences(request)
    if device is not None:
        return device
    if user is not None and user.is_authenticated:
        return Preferences.from_user(user)
    return Preferences()
