#!/usr/bin/env python3
"""tsa_server.py - a throw-away RFC 3161 time-stamping authority for tests.

Python 3 standard library only; the signing is done by `openssl ts -reply`.

    tsa_server.py make-ca DIR
        writes a fresh CA (DIR/ca.crt, ca.key) and a TSA certificate signed
        by it (DIR/tsa.crt, tsa.key; extendedKeyUsage critical timeStamping)
        and the `openssl ts` configuration DIR/tsa.cnf.
    tsa_server.py serve DIR --port-file FILE [--ports LO-HI]
        serves POST / (any path): the body is a DER TimeStampReq, the answer
        the DER TimeStampResp made by `openssl ts -reply -queryfile ...
        -signer tsa.crt -inkey tsa.key -config tsa.cnf` (application/
        timestamp-reply).  Binds the first free port of LO-HI (default
        19300-19399), then writes it to FILE.  Each request is one line on
        stderr and is counted in DIR/requests.  While DIR/fail exists every
        request is answered HTTP 503 (a TSA that is down for the service).

Invariants: requests are served one at a time (the serial file of
`openssl ts` is not safe for concurrent use); nothing outside DIR is
written; SIGTERM stops it.
"""

import http.server
import os
import subprocess
import sys
import tempfile

CNF = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/ca.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

[ v3_tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def run(args, cwd):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write("tsa_server: %s failed: %s\n" % (" ".join(args), p.stderr))
        sys.exit(1)


def make_ca(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "tsa.cnf"), "w") as f:
        f.write(CNF.format(dir=d))
    with open(os.path.join(d, "tsaserial"), "w") as f:
        f.write("01\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run(["openssl", "req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
         "-subj", "/CN=zhifa test TSA CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    run(["openssl", "req", "-new"] + ec + ["-keyout", "tsa.key", "-out", "tsa.csr",
         "-subj", "/CN=zhifa test TSA"], d)
    run(["openssl", "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-set_serial", "2", "-days", "3650", "-out", "tsa.crt",
         "-extfile", "tsa.cnf", "-extensions", "v3_tsa"], d)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "zhifa-test-tsa/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("tsa_server: " + (fmt % args) + "\n")

    def answer(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        d = self.server.dir
        n = int(self.headers.get("Content-Length") or 0)
        query = self.rfile.read(n)
        with open(os.path.join(d, "requests"), "a") as f:
            f.write("%d\n" % len(query))
        if os.path.exists(os.path.join(d, "fail")):
            return self.answer(503, "text/plain", b"down for the test\n")
        if self.headers.get("Content-Type") != "application/timestamp-query":
            return self.answer(415, "text/plain", b"want application/timestamp-query\n")
        with tempfile.TemporaryDirectory(dir=d) as tmp:
            qf, rf = os.path.join(tmp, "q.tsq"), os.path.join(tmp, "r.tsr")
            with open(qf, "wb") as f:
                f.write(query)
            p = subprocess.run(["openssl", "ts", "-reply", "-queryfile", qf,
                                "-signer", os.path.join(d, "tsa.crt"), "-inkey", os.path.join(d, "tsa.key"),
                                "-chain", os.path.join(d, "ca.crt"),
                                "-config", os.path.join(d, "tsa.cnf"), "-out", rf],
                               capture_output=True)
            if p.returncode != 0 or not os.path.exists(rf):
                sys.stderr.write("tsa_server: openssl ts -reply: %s\n" % p.stderr.decode(errors="replace"))
                return self.answer(400, "text/plain", b"bad query\n")
            with open(rf, "rb") as f:
                body = f.read()
        self.answer(200, "application/timestamp-reply", body)


def serve(d, port_file, lo, hi):
    srv = None
    start = lo + os.getpid() % (hi - lo + 1)
    for i in range(hi - lo + 1):
        port = lo + (start - lo + i) % (hi - lo + 1)
        try:
            srv = http.server.HTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    if srv is None:
        sys.stderr.write("tsa_server: no free port in %d-%d\n" % (lo, hi))
        sys.exit(1)
    srv.dir = d
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


def main(argv):
    if len(argv) == 3 and argv[1] == "make-ca":
        make_ca(os.path.abspath(argv[2]))
        return 0
    if len(argv) >= 5 and argv[1] == "serve" and argv[3] == "--port-file":
        lo, hi = 19300, 19399
        if len(argv) == 7 and argv[5] == "--ports":
            lo, hi = (int(x) for x in argv[6].split("-"))
        serve(os.path.abspath(argv[2]), argv[4], lo, hi)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
