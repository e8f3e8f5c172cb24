"""The pages of « Parle-Moi », one module per audience and moment: the public pages,
the organiser's evening, one registration, and the door on the night."""
