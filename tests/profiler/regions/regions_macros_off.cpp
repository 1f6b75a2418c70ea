// Compiled without RAFTER_ENABLE_ANNOTATIONS: the macros must compile to nothing.
#include "profiler/annotate.h"

void annotated_with_macros_off() {
    RAFTER_REGION_BEGIN("off_c");
    {
        RAFTER_SCOPE("off_scope");
    }
    RAFTER_REGION_END("off_c");
}
