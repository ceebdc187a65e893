"""Settings of the benchmark's web processes only (``make bench``, the HTTP section):
the real settings, with a URLconf that adds one bare endpoint to measure against.
Nothing else uses this module; production runs ``onewindow.settings``."""

from onewindow.settings import *  # noqa: F403

ROOT_URLCONF = "onewindow.bench_urls"
