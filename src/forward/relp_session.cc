#include "forward/relp_session.h"

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <sys/socket.h>

extern "C" {
#include <librelp.h>
}

namespace c2audit {
namespace {

// librelp's codes in words, for the ones a collector or a network causes.
std::string code_text(relpRetVal code) {
  switch (code) {
    case RELP_RET_SESSION_BROKEN: return "session broken";
    case RELP_RET_TIMED_OUT: return "timed out";
    case RELP_RET_IO_ERR: return "connection refused or I/O error";
    case RELP_RET_INVALID_FRAME: return "the collector sent an invalid frame";
    case RELP_RET_RSP_STATE_ERR: return "the collector refused the message";
    case RELP_RET_AUTH_ERR_NAME: return "the collector's certificate does not name the expected peer";
    case RELP_RET_AUTH_CERT_INVL: return "the collector's certificate is not valid for the CA";
    case RELP_RET_AUTH_NO_CERT: return "the collector presented no certificate";
    case RELP_RET_ERR_TLS_SETUP: return "TLS failed (a certificate or key file, or a peer not speaking TLS)";
    case RELP_RET_ERR_TLS_HANDS: return "TLS handshake failed";
    case RELP_RET_ERR_TLS: return "TLS error";
    default: return fmt::format("librelp error {}", static_cast<int>(code));
  }
}

void no_debug_output(char*, ...) {}

}  // namespace

struct RelpSession::Engine {
  relpEngine_t* engine = nullptr;
  relpClt_t* client = nullptr;
  std::string first_error;  // what librelp's callbacks reported first
  int errors = 0;

  ~Engine() {
    if (client) relpEngineCltDestruct(engine, &client);
    if (engine) relpEngineDestruct(&engine);
  }

  void note(const char* what, const char* info, relpRetVal code) {
    if (errors++ == 0) first_error = fmt::format("{} ({}; {})", what ? what : "", info ? info : "", code_text(code));
  }

  // The error for a call that returned `code`: with what the callbacks said.
  Error failure(std::string_view call, relpRetVal code) const {
    if (!first_error.empty()) return Error{fmt::format("{}: {}", call, first_error)};
    return Error{fmt::format("{}: {}", call, code_text(code))};
  }
};

namespace {

thread_local RelpSession::Engine* t_engine = nullptr;  // for errors tied to no client

void on_error(void* user, char* info, char* what, relpRetVal code) {
  static_cast<RelpSession::Engine*>(user)->note(what, info, code);
}

void on_generic_error(char* info, char* what, relpRetVal code) {
  if (t_engine) t_engine->note(what, info, code);
}

Result<void> configure_tls(RelpSession::Engine& e, const ForwardDestination& d) {
  // librelp takes char*, and copies each string at connect.
  auto text = [](const std::string& s) { return const_cast<char*>(s.c_str()); };
  std::string ca = d.ca_file.native(), cert = d.cert_file.native(), key = d.key_file.native();
  std::string peer = d.peer, mode = "name";
  if (relpCltEnableTLS(e.client) != RELP_RET_OK || relpCltSetCACert(e.client, text(ca)) != RELP_RET_OK ||
      relpCltSetAuthMode(e.client, text(mode)) != RELP_RET_OK ||
      relpCltAddPermittedPeer(e.client, text(peer)) != RELP_RET_OK) {
    return fail("TLS settings refused by librelp");
  }
  if (!cert.empty() && (relpCltSetOwnCert(e.client, text(cert)) != RELP_RET_OK ||
                        relpCltSetPrivKey(e.client, text(key)) != RELP_RET_OK)) {
    return fail("client certificate refused by librelp");
  }
  return {};
}

}  // namespace

RelpSession::RelpSession(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {}

RelpSession::~RelpSession() {
  t_engine = engine_.get();
  engine_.reset();
  t_engine = nullptr;
}

Result<std::unique_ptr<RelpSession>> RelpSession::connect(const ForwardDestination& d, int timeout_s) {
  auto e = std::make_unique<Engine>();
  t_engine = e.get();
  auto done = [&](Result<void> ok) -> Result<std::unique_ptr<RelpSession>> {
    if (!ok) {
      e.reset();
      t_engine = nullptr;
      return tl::unexpected(ok.error());
    }
    t_engine = nullptr;
    return std::unique_ptr<RelpSession>(new RelpSession(std::move(e)));
  };
  if (relpEngineConstruct(&e->engine) != RELP_RET_OK) return done(fail("librelp: no engine"));
  relpEngineSetDbgprint(e->engine, no_debug_output);  // a null one crashes client construction
  relpEngineSetOnErr(e->engine, on_error);
  relpEngineSetOnAuthErr(e->engine, on_error);
  relpEngineSetOnGenericErr(e->engine, on_generic_error);
  std::string syslog = "syslog";
  relpEngineSetEnableCmd(e->engine, reinterpret_cast<unsigned char*>(syslog.data()), eRelpCmdState_Required);
  if (d.tls && relpEngineSetTLSLibByName(e->engine, "openssl") != RELP_RET_OK) {
    return done(fail("librelp: no OpenSSL TLS"));
  }
  if (relpEngineCltConstruct(e->engine, &e->client) != RELP_RET_OK) return done(fail("librelp: no client"));
  relpCltSetUsrPtr(e->client, e.get());
  relpCltSetTimeout(e->client, static_cast<unsigned>(timeout_s));
  relpCltSetConnTimeout(e->client, timeout_s);
  relpCltSetWindowSize(e->client, kWindow);
  if (d.tls) {
    if (auto ok = configure_tls(*e, d); !ok) return done(ok);
  }
  std::string port = std::to_string(d.port), host = d.host;
  relpRetVal code = relpCltConnect(e->client, AF_UNSPEC, reinterpret_cast<unsigned char*>(port.data()),
                                   reinterpret_cast<unsigned char*>(host.data()));
  if (code != RELP_RET_OK) return done(tl::unexpected(e->failure("connect", code)));
  return done({});
}

Result<void> RelpSession::send(std::string_view message) {
  t_engine = engine_.get();
  relpRetVal code = relpCltSendSyslog(engine_->client,
                                      reinterpret_cast<unsigned char*>(const_cast<char*>(message.data())),
                                      message.size());  // librelp copies it into its frame
  t_engine = nullptr;
  if (code != RELP_RET_OK) return tl::unexpected(engine_->failure("send", code));
  return {};
}

Result<void> RelpSession::close() {
  t_engine = engine_.get();
  engine_->errors = 0;
  engine_->first_error.clear();
  // librelp returns nothing about the close: an error reported while it
  // waited for the answer is the only sign that one did not come.
  relpEngineCltDestruct(engine_->engine, &engine_->client);
  t_engine = nullptr;
  if (engine_->errors != 0) return fail("close: " + engine_->first_error);
  return {};
}

}  // namespace c2audit
