#include "kaudit/user_message_source.h"

#include <fmt/format.h>

#include "kaudit/user_message.h"
#include "kaudit/user_record.h"

namespace c2audit {
namespace {

constexpr int kPollMs = 100;             // how soon a stop is seen
constexpr size_t kMaxPending = 1 << 16;  // records the main loop has not taken yet

}  // namespace

std::unique_ptr<UserMessageSource> UserMessageSource::start() {
  std::unique_ptr<UserMessageSource> source(new UserMessageSource());
  auto socket = AuditLogSocket::open();
  if (!socket) {
    source->down_ = true;
    source->state_ = "down: " + socket.error().message;
    return source;
  }
  source->socket_.emplace(std::move(*socket));
  source->switch_.emplace(KernelAuditSwitch::take());
  source->state_ = "up: " + source->switch_->account();
  source->reader_ = std::thread([s = source.get()] { s->read_loop(); });
  return source;
}

void UserMessageSource::stop() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
  if (switch_) switch_->put_back();
}

void UserMessageSource::read_loop() {
  auto handle = [this](uint16_t type, std::string_view text) { on_message(type, text); };
  for (bool last = false; !last;) {
    last = stop_.load();  // once stopping, one more read: what arrived meanwhile
    auto outcome = socket_->read(last ? 0 : kPollMs, handle);
    std::lock_guard lock(mu_);
    if (!outcome) {
      down_ = true;
      state_ = "down: " + outcome.error().message;
      return;
    }
    if (outcome->overrun) ++counts_.overruns;
    if (outcome->malformed != 0) {
      counts_.decode_errors += outcome->malformed;
      if (first_decode_error_.empty()) first_decode_error_ = "a truncated netlink message";
    }
  }
}

void UserMessageSource::on_message(uint16_t type, std::string_view text) {
  if (!is_user_message_type(type)) return;  // syscall records and the like: auditd's business
  auto message = parse_user_message(type, text);
  std::lock_guard lock(mu_);
  ++counts_.received;
  if (!message) {
    ++counts_.decode_errors;
    if (first_decode_error_.empty()) {
      first_decode_error_ = fmt::format("type {}: {}", type, message.error().message);
    }
    return;
  }
  if (pending_.size() >= kMaxPending) {
    ++counts_.dropped;
    return;
  }
  pending_.push_back(user_message_record(*message));
}

std::vector<AuditRecord> UserMessageSource::take() {
  std::lock_guard lock(mu_);
  return std::exchange(pending_, {});
}

std::string UserMessageSource::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

UserMessageCounts UserMessageSource::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

std::string UserMessageSource::first_decode_error() const {
  std::lock_guard lock(mu_);
  return first_decode_error_;
}

}  // namespace c2audit
