#include "cli/login_list.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "record/time_format.h"

namespace c2audit::cli {
namespace {

constexpr double kNsPerSecond = 1e9;

void fill_origin(Login& login, const AuditRecord& rec) {
  auto take = [](std::string& field, const std::string& value) {
    if (field.empty()) field = value;
  };
  take(login.account, rec.account);
  take(login.service, rec.service);
  take(login.hostname, rec.hostname);
  take(login.addr, rec.addr);
  take(login.tty, rec.tty);
}

Login started(const AuditRecord& rec) {
  Login login;
  login.seq = rec.seq;
  login.time_ns = rec.time_ns;
  login.pid = rec.pid;
  return login;
}

double duration_s(const Login& login, int64_t end_ns) {
  return static_cast<double>(end_ns - login.time_ns) / kNsPerSecond;
}

std::string origin(const Login& login) {
  if (login.addr.empty() && login.hostname.empty()) return "local";
  if (login.hostname.empty() || login.hostname == login.addr) return login.addr;
  return fmt::format("{} ({})", login.addr.empty() ? "?" : login.addr, login.hostname);
}

}  // namespace

void LoginList::add(const AuditRecord& rec) {
  if (rec.kind != RecordKind::user) return;
  auto key = std::make_pair(rec.pid, rec.ses);
  if (rec.event == "LOGIN" && rec.success && rec.ses != kUnsetId) {
    Login login = started(rec);
    login.ses = rec.ses;
    login.account = rec.user;  // the new login uid's name
    open_[key] = logins_.size();
    logins_.push_back(std::move(login));
    return;
  }
  if (rec.event_class == "auth.login" && !rec.success) {
    Login failed = started(rec);
    failed.success = false;
    fill_origin(failed, rec);
    logins_.push_back(std::move(failed));
    return;
  }
  auto it = open_.find(key);
  if (it == open_.end()) return;
  Login& login = logins_[it->second];
  if (rec.event == "USER_START") {
    if (!rec.account.empty()) login.account = rec.account;  // as the program names it
    fill_origin(login, rec);
  }
  if (rec.event == "USER_END") {
    login.end_ns = rec.time_ns;
    open_.erase(it);
  }
}

std::string login_text(const Login& login) {
  std::string out = fmt::format("{} #{} login {} account={} service={} from={}",
                                format_rfc3339(login.time_ns, TimePrecision::millis), login.seq,
                                login.success ? "success" : "failure",
                                login.account.empty() ? "?" : login.account,
                                login.service.empty() ? "?" : login.service, origin(login));
  if (!login.tty.empty()) out += " tty=" + login.tty;
  if (!login.success) return out;
  out += fmt::format(" ses={} pid={}", login.ses, login.pid);
  if (login.end_ns) {
    return out + fmt::format(" duration={:.1f}s", duration_s(login, *login.end_ns));
  }
  return out + " duration=open";
}

std::string login_json(const Login& login) {
  nlohmann::ordered_json j;
  j["seq"] = login.seq;
  j["time"] = format_rfc3339(login.time_ns);
  j["result"] = login.success ? "success" : "failure";
  j["account"] = login.account;
  j["service"] = login.service;
  j["hostname"] = login.hostname;
  j["addr"] = login.addr;
  j["tty"] = login.tty;
  j["pid"] = login.pid;
  if (login.success) j["ses"] = login.ses;
  if (login.end_ns) {
    j["end"] = format_rfc3339(*login.end_ns);
    j["duration_s"] = duration_s(login, *login.end_ns);
  }
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace c2audit::cli
