"""What happens to an account that other parts of the platform react to (blinker).

Features connect their receivers in their own ``init_app``; accounts never import them.
"""

from blinker import Namespace

_signals = Namespace()

#: The person proved they own ``user.email`` (confirmation link, reset link, changed
#: address confirmed) or logged in with an address proved before. Receivers may attach
#: to the account what was left under that address (guest registrations).
address_confirmed = _signals.signal("address-confirmed")
