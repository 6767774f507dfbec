#include "planner/errors.h"
