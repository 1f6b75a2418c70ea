// Compiled with annotations on: the macros must record.
#define RAFTER_ENABLE_ANNOTATIONS
#include "profiler/annotate.h"

void annotated_with_macros_on() {
    RAFTER_REGION_BEGIN("macro_c");
    {
        RAFTER_SCOPE("macro_scope");
    }
    RAFTER_REGION_END("macro_c");
}
