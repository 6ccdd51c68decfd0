"""Dialogs: open pair, settings, export, refine, help, errors."""

#: the highest frame number a field of frames takes as typed (Go to frame..., Refine's frames): with the
#: footage's last frame as the field's top, the keystroke going past it was dropped as typed (9999 read 99);
#: a number past the end is read as the last frame, and said where it moves the view
TYPED_FRAME_LIMIT = 999_999_999
