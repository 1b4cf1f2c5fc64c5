"""For platform teams: the files an org publishes (`build`, `write`) and the online check of a profile (`check`)."""
