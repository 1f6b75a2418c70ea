// Kernel -> op attribution on hand-built traces: innermost op, nesting counted once, the three
// link kinds, and unattributed kernels kept and counted.
#include <doctest/doctest.h>

#include "analysis/op_attribution.h"
#include "synthetic_trace.h"

using namespace rafter;
using rafter::test::TraceBuilder;

TEST_CASE("kernels go to the innermost enclosing op, once") {
    TraceBuilder b;
    // aten::linear [0, 100] > aten::t [5, 8] and aten::addmm [10, 90]; the launch is inside addmm.
    uint32_t linear = b.op("aten::linear", 0, 100, 1);
    b.op("aten::t", 5, 8, 2);
    uint32_t addmm = b.op("aten::addmm", 10, 90, 3);
    b.launch(20, 30, 501);
    // conv2d > convolution > _convolution > cudnn_convolution, two launches in the innermost.
    b.op("aten::conv2d", 200, 400, 10);
    b.op("aten::convolution", 205, 395, 11);
    b.op("aten::_convolution", 210, 390, 12);
    uint32_t cudnn = b.op("aten::cudnn_convolution", 215, 385, 13);
    b.launch(220, 230, 502);
    b.launch(300, 310, 503);
    // A launch directly inside linear, after addmm ended: goes to linear itself.
    b.launch(92, 95, 504);
    b.kernel("gemm", 1000, 1100, 501);
    b.kernel("conv_a", 1200, 1300, 502);
    b.kernel("conv_b", 1300, 1400, 503);
    b.kernel("bias_add", 1400, 1450, 504);

    OpAttribution a = attribute_ops(b.t);
    REQUIRE(a.kernel_op.size() == 4);
    CHECK(a.kernel_op[0] == addmm);
    CHECK(a.kernel_op[1] == cudnn);
    CHECK(a.kernel_op[2] == cudnn);
    CHECK(a.kernel_op[3] == linear);
    CHECK(a.kernels_attributed == 4);
    CHECK(a.kernels_via_correlation == 4);
    CHECK(a.kernels_unattributed == 0);
    // The nesting is known: cudnn_convolution's parent chain reaches conv2d.
    CHECK(a.parent[addmm] == linear);
    CHECK(b.t.strings.get(b.t.cpu_ops[a.parent[a.parent[a.parent[cudnn]]]].name) == "aten::conv2d");
}

TEST_CASE("sibling ops, ties at boundaries and threads") {
    TraceBuilder b;
    uint32_t outer = b.op("outer", 0, 200, 1);
    uint32_t first = b.op("first", 10, 50, 2);
    uint32_t second = b.op("second", 50, 100, 3);  // starts where `first` ends
    b.launch(50, 60, 1);                            // midpoint 55: inside `second` only
    b.launch(45, 50, 2);                            // midpoint 47.5: inside `first`
    b.launch(120, 130, 3);                          // between children: `outer`
    b.launch(10, 20, 4, 0, /*tid=*/2);              // another thread with no ops: outside any op
    b.kernel("k1", 1000, 1001, 1);
    b.kernel("k2", 1001, 1002, 2);
    b.kernel("k3", 1002, 1003, 3);
    b.kernel("k4", 1003, 1004, 4);
    OpAttribution a = attribute_ops(b.t);
    CHECK(a.kernel_op[0] == second);
    CHECK(a.kernel_op[1] == first);
    CHECK(a.kernel_op[2] == outer);
    CHECK(a.kernel_op[3] == OpAttribution::kNone);
    CHECK(a.kernels_outside_op == 1);
    CHECK(a.kernels_no_launch == 0);
    CHECK(a.kernels_unattributed == 1);
}

TEST_CASE("External id links, and the old-Kineto guard") {
    TraceBuilder b;
    uint32_t mm = b.op("aten::mm", 0, 100, 42);
    b.op("aten::add", 200, 300, 7);
    // (1) no launch in the trace, the kernel's External id names the op: attributed.
    b.kernel("k_ext", 1000, 1010, /*corr=*/9001, /*ext=*/42);
    // (2) no launch and External id == correlation (older Kineto): not an op id, even though an
    //     op with External id 7 exists.
    b.kernel("k_old", 1010, 1020, /*corr=*/7, /*ext=*/7);
    // (3) the launch is on a thread without ops but carries the op's External id.
    b.launch(500, 510, 9003, /*ext=*/42, /*tid=*/3);
    b.kernel("k_rt_ext", 1020, 1030, 9003);
    // (4) nothing at all (a CUDA graph replay): kept, unattributed.
    b.kernel("graph", 1030, 1040);
    b.copy(CopyKind::memcpy_htod, 1040, 1050, 7, 9003);
    b.copy(CopyKind::memset, 1050, 1060);

    OpAttribution a = attribute_ops(b.t);
    CHECK(a.kernel_op[0] == mm);
    CHECK(a.kernel_link[0] == OpAttribution::Link::external_id);
    CHECK(a.kernel_op[1] == OpAttribution::kNone);
    CHECK(a.kernel_op[2] == mm);
    CHECK(a.kernel_link[2] == OpAttribution::Link::runtime_external_id);
    CHECK(a.kernel_op[3] == OpAttribution::kNone);
    CHECK(a.kernels_attributed == 2);
    CHECK(a.kernels_unattributed == 2);
    CHECK(a.kernels_no_launch == 2);
    CHECK(a.kernels_via_external_id == 1);
    CHECK(a.kernels_via_runtime_external_id == 1);
    CHECK(a.copy_op[0] == mm);
    CHECK(a.copy_op[1] == OpAttribution::kNone);
    CHECK(a.copies_attributed == 1);
    CHECK(a.copies_unattributed == 1);

    Diagnostics d;
    add_attribution_diagnostics(a, d);
    CHECK(d.count("ops.unattributed_kernels.no_launch") == 2);
    CHECK(d.count("ops.unattributed_copies") == 1);
}
