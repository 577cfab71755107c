"""Print the front end's generated module of the coded fields."""

import sys

from services.catalogue.vocabularies.frontend import frontend_module

sys.stdout.write(frontend_module())
