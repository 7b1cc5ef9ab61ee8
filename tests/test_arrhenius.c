#include "spinrelax.h"
#include "testlib.h"
int main(void){return 0;}
