#pragma once
namespace rafter {
const char* version_string();  // "0.1.0"
}
