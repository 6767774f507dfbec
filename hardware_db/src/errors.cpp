#include "hardware_db/errors.h"
