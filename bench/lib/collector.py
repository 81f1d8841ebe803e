"""A local collector for the forwarding bench: rsyslog's imrelp over TLS, or
its imtcp with TLS (RFC 5425 syslog), on a free loopback port, with a CA and
certificate made by the openssl command, writing every message to one file.
Started and stopped by pid."""
import os
import socket
import subprocess

from . import procs


def _openssl(*args):
    run = procs.run(["openssl", *args])
    if run.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {run.stderr}")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Rsyslog:
    def __init__(self, tmp, protocol="relp"):
        self.dir = os.path.join(tmp, "collector")
        os.makedirs(os.path.join(self.dir, "work"), exist_ok=True)
        self.port = _free_port()
        self.protocol = protocol
        self.url = f"{protocol}+tls://localhost:{self.port}"
        self.ca = os.path.join(self.dir, "ca.pem")
        self.received = os.path.join(self.dir, "received.log")

    def _certificates(self):
        d = self.dir
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        _openssl("req", "-x509", *ec, "-keyout", f"{d}/ca-key.pem", "-out", self.ca, "-days", "2",
                 "-subj", "/CN=bench CA")
        _openssl("req", *ec, "-keyout", f"{d}/server-key.pem", "-out", f"{d}/server.csr",
                 "-subj", "/CN=localhost")
        with open(f"{d}/server.ext", "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        _openssl("x509", "-req", "-in", f"{d}/server.csr", "-CA", self.ca, "-CAkey", f"{d}/ca-key.pem",
                 "-CAcreateserial", "-out", f"{d}/server.pem", "-days", "2", "-extfile", f"{d}/server.ext")

    def start(self):
        self._certificates()
        d = self.dir
        conf = os.path.join(d, "rsyslog.conf")
        tls_files = f'''defaultNetstreamDriverCAFile="{self.ca}"
       defaultNetstreamDriverCertFile="{d}/server.pem" defaultNetstreamDriverKeyFile="{d}/server-key.pem"'''
        relp = f'''module(load="imrelp" tls.tlslib="openssl")
input(type="imrelp" address="127.0.0.1" port="{self.port}" tls="on" tls.cacert="{self.ca}"
      tls.mycert="{d}/server.pem" tls.myprivkey="{d}/server-key.pem" maxDataSize="64k" ruleset="collect")
'''
        syslog = f'''module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="{self.port}" ruleset="collect")
'''
        with open(conf, "w") as f:
            f.write(f'''global(workDirectory="{d}/work" maxMessageSize="64k" {tls_files if self.protocol == "syslog" else ""})
template(name="whole" type="string" string="%rawmsg%\\n")
ruleset(name="collect" queue.type="Direct") {{
  action(type="omfile" file="{self.received}" template="whole" flushOnTXEnd="on" asyncWriting="off")
}}
{relp if self.protocol == "relp" else syslog}''')
        self.stderr = open(os.path.join(d, "rsyslogd.stderr"), "w")
        self.proc = subprocess.Popen(["rsyslogd", "-n", "-f", conf, "-i", os.path.join(d, "rsyslogd.pid")],
                                     stdout=self.stderr, stderr=self.stderr)
        up = procs.wait_for(lambda: self.proc.poll() is not None or _listening(self.port))
        if not up or self.proc.poll() is not None:
            procs.stop(self.proc)
            raise RuntimeError(f"rsyslogd did not listen (see {self.stderr.name})")

    def stop(self):
        procs.stop(self.proc)
        self.stderr.close()
