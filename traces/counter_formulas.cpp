#include "traces/counter_formulas.h"

namespace rafter {

Value simt_flops(std::optional<double> add, std::optional<double> mul, std::optional<double> fma) {
    if (!add || !mul || !fma) return {};
    return Value::derived(*add + *mul + 2 * *fma);
}

TensorFromInstructions tensor_flops_from_instructions(double instructions, std::optional<double> flops_per_instruction) {
    if (instructions == 0) return {Value::derived(0), false};
    if (flops_per_instruction) return {Value::derived(instructions * *flops_per_instruction), false};
    return {Value{}, true};
}

void clear_all_flops(std::array<Value, kFlopKinds>& flops) {
    for (Value& v : flops) v = Value{};
}

} // namespace rafter
