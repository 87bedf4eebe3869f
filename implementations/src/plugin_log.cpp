// The plugin log: per-call capture by thread, a bounded buffer for everything else.
#include "plugin_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rnnsuite::impl::detail {
namespace {

// A plugin is untrusted: its text is cut to these lengths rather than grown without bound.
constexpr std::size_t max_message_bytes = 4096;
constexpr std::size_t max_collected_bytes = 16384;

thread_local plugin_log::capture* active_capture = nullptr;
thread_local std::string* active_text = nullptr;

void append_bounded(std::string& to, const std::string& message) {
  if (to.size() >= max_collected_bytes) return;
  if (!to.empty()) to += "; ";
  to.append(message, 0, max_collected_bytes - std::min(to.size(), max_collected_bytes));
}

std::string formatted(std::int32_t level, const char* message) {
  std::string text = message ? std::string(message, strnlen(message, max_message_bytes))
                             : std::string("(NULL message)");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (level == RNNSUITE_LOG_WARNING) return "warning: " + text;
  if (level == RNNSUITE_LOG_INFO) return "info: " + text;
  return text;
}

}  // namespace

plugin_log& plugin_log::process() {
  static plugin_log* const log = new plugin_log;  // never freed: see the header
  return *log;
}

plugin_log::plugin_log() {
  host_.struct_size = sizeof(rnnsuite_host);
  host_.context = this;
  host_.log = &plugin_log::on_log;
  const char* echo = std::getenv("RNNSUITE_PLUGIN_LOG");
  echo_ = echo && *echo && std::strcmp(echo, "0") != 0;
}

void plugin_log::on_log(void* context, std::int32_t level, const char* message) {
  auto* self = static_cast<plugin_log*>(context);
  const std::string text = formatted(level, message);
  if (self && self->echo_) std::fprintf(stderr, "rnnsuite plugin log: %s\n", text.c_str());
  if (active_text)
    append_bounded(*active_text, text);
  else if (self)
    self->append_unclaimed(text);
}

void plugin_log::append_unclaimed(const std::string& message) {
  std::lock_guard lock(mutex_);
  append_bounded(unclaimed_, message);
}

std::string plugin_log::take_unclaimed() {
  std::lock_guard lock(mutex_);
  std::string out;
  out.swap(unclaimed_);
  return out;
}

plugin_log::capture::capture() : previous_(active_capture) {
  active_capture = this;
  active_text = &own_;
  process().take_unclaimed();  // what was logged before this call is not this call's
}

plugin_log::capture::~capture() {
  active_capture = previous_;
  active_text = previous_ ? &previous_->own_ : nullptr;
}

std::string plugin_log::capture::text() {
  const std::string others = process().take_unclaimed();
  if (!others.empty()) append_bounded(own_, others);
  return own_;
}

}  // namespace rnnsuite::impl::detail
