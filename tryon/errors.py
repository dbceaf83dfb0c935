"""Exceptions for inputs the user can fix. Their messages are shown to users as they are."""


class TryOnInputError(ValueError):
    """An input cannot be used; the message says what was wrong and what to do."""


class ImageInputError(TryOnInputError):
    """The file is not a usable picture (not an image, damaged, too large or too small)."""


class PersonNotFoundError(TryOnInputError):
    """No usable person in the person photo."""


class GarmentNotFoundError(TryOnInputError):
    """No garment could be separated from the garment photo's background."""


class UnsupportedPhotoError(TryOnInputError):
    """The photo is valid, but the try-on would be plainly wrong (back view, crossed arms, extreme crop)."""
