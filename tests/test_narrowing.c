#include <config.h>
#include "testlib.h"
#include "spinrelax/narrowing.h"
int main(void) { return 0; }
