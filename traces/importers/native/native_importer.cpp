// The "rafter" importer: Rafter's own trace files (traces/native_format.h), recognized by magic.
#include "core/error.h"
#include "traces/importer.h"
#include "traces/native_format.h"

namespace rafter {

namespace {

class NativeImporter final : public Importer {
public:
    std::string_view name() const override { return "rafter"; }
    std::string_view description() const override { return "Rafter traces (.rafter)"; }
    bool sniff(std::string_view head, std::string_view) const override {
        // Any version: a file from another format version then gets a clear "not supported" error.
        return head.size() >= 6 && head.substr(0, 6) == kNativeMagic.substr(0, 6);
    }
    Trace read(const std::vector<std::string>& paths, const ImportOptions&) const override {
        if (paths.size() != 1) throw_usage_error("a Rafter trace is read one file at a time");
        return read_native_trace(paths.front());
    }
};

} // namespace

const Importer& native_importer() {
    static const NativeImporter importer;
    return importer;
}

} // namespace rafter
