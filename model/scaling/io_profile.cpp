#include "model/scaling/io_profile.h"

#include "core/error.h"
#include "model/scaling/scenario_json.h"

namespace rafter {

void write_io_profile_json(JsonWriter& w, const IoProfile& p) {
    w.begin_object();
    w.field("schema", "rafter.io_profile/1");
    w.field("source", p.source);
    w.field("seq_read_bw", p.seq_read_bw);
    w.field("rand_read_bw", p.rand_read_bw);
    w.field("rand_read_iops", p.rand_read_iops);
    w.field("rand_block_bytes", p.rand_block_bytes);
    w.field("file_open_rate", p.file_open_rate);
    w.key("o_direct");
    if (p.o_direct) w.value(*p.o_direct);
    else w.null();
    w.field("notes", p.notes);
    w.end_object();
}

IoProfile parse_io_profile_json(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string text(json);
    json_in::Object o = json_in::parse_root(parser, text, origin);
    if (o.string("schema").value_or("") != "rafter.io_profile/1")
        json_in::fail(origin, "schema must be \"rafter.io_profile/1\"");
    o.allow_only({"schema", "source", "seq_read_bw", "rand_read_bw", "rand_read_iops", "rand_block_bytes",
                  "file_open_rate", "o_direct", "notes"});
    IoProfile p;
    p.source = o.string("source").value_or(origin);
    p.seq_read_bw = o.positive("seq_read_bw");
    p.rand_read_bw = o.positive("rand_read_bw");
    p.rand_read_iops = o.positive("rand_read_iops");
    p.rand_block_bytes = o.positive("rand_block_bytes");
    p.file_open_rate = o.positive("file_open_rate");
    p.o_direct = o.boolean("o_direct");
    p.notes = o.string("notes").value_or("");
    return p;
}

void apply_io_profile(IoSystem& s, const IoProfile& p, const std::string& origin) {
    if (!p.seq_read_bw)
        throw Error(ExitCode::bad_input, "the I/O profile has no seq_read_bw", SourcePosition{origin, PositionKind::none, 0});
    s.client_read_bw = *p.seq_read_bw;
    if (p.file_open_rate) s.metadata_rate = *p.file_open_rate;
}

} // namespace rafter
