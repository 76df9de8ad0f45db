#!/usr/bin/env python3
"""verify_log.py - an independent verifier of a zhifa log, written from the
specifications only (no zhifa code):

  * RFC 6962 / RFC 9162 Merkle trees over SHA-256: leaf hash =
    SHA-256(0x00 || leaf), node = SHA-256(0x01 || left || right); inclusion
    proofs (RFC 9162 section 2.1.3.2) and consistency proofs (2.1.4.2);
  * C2SP tlog-checkpoint (origin, size, base64 root) in a C2SP signed note;
    Ed25519 signature lines (key hash = SHA-256(name || 0x0A || 0x01 ||
    key)[:4]) checked with the `openssl` command, since Python's standard
    library has no Ed25519;
  * the SM2 line (type 0xff || "SM2" || DER SubjectPublicKeyInfo, GB/T
    32918.2 with SM3 and ID 1234567812345678) checked with `openssl pkeyutl
    -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`;
  * C2SP tlog-tiles: level-0 hash tiles and entry bundles rebuilt into the
    root and compared with the checkpoint.

Python 3 standard library plus the openssl command.  Use as a module (the
functions below; each raises VerifyError naming what failed) or as a
command:

    verify_log.py URL [--key VKEY] [--leaves N] [--old CHECKPOINT_FILE]

which prints one line per check and exits 0 only when all pass.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
SM2_ID = "1234567812345678"


class VerifyError(Exception):
    pass


# ------------------------------------------------------------ fetching ----
def fetch(base, path, accept=None):
    """GET base+path; returns (status, bytes, headers)."""
    req = urllib.request.Request(base.rstrip("/") + path, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def fetch_ok(base, path):
    st, body, _ = fetch(base, path)
    if st != 200:
        raise VerifyError("GET %s: HTTP %d %s" % (path, st, body[:200]))
    return body


def fetch_json(base, path):
    return json.loads(fetch_ok(base, path).decode("utf-8"))


# ---------------------------------------------------------- merkle tree ----
def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    """RFC 6962 MTH over a list of leaf hashes."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def verify_inclusion(index, size, lhash, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, lhash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, root1, root2, proof):
    """RFC 9162 section 2.1.4.2."""
    if m > n:
        return False
    if m == n:
        return not proof and root1 == root2
    if m == 0 or not proof:
        return False
    if m & (m - 1) == 0:  # exact power of two: prepend first_hash
        proof = [root1] + list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# -------------------------------------------------------- signed notes ----
def parse_vkey(text):
    """name+hex8+base64(type||key) -> (name, keyhash bytes, type byte, key bytes)."""
    text = text.strip()
    parts = text.split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise VerifyError("验证密钥格式错误: %r" % text)
    name, h, b = parts[0], bytes.fromhex(parts[1]), base64.b64decode(parts[2], validate=True)
    if hashlib.sha256(name.encode() + b"\n" + b).digest()[:4] != h:
        raise VerifyError("验证密钥的密钥哈希与公钥不符")
    return name, h, b[0], b[1:]


def parse_note(note):
    """A signed note -> (text bytes incl. final newline, [(name, sigbytes)])."""
    if isinstance(note, bytes):
        note = note.decode("utf-8")
    i = note.find("\n\n")
    if i < 0:
        raise VerifyError("签名笔记缺少空行")
    text = note[: i + 1]
    sigs = []
    for line in note[i + 2:].split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            raise VerifyError("签名行格式错误: %r" % line)
        parts = line[2:].split(" ")
        if len(parts) != 2:
            raise VerifyError("签名行格式错误: %r" % line)
        sigs.append((parts[0], base64.b64decode(parts[1], validate=True)))
    if not note.endswith("\n"):
        raise VerifyError("签名笔记没有以换行结束")
    return text.encode("utf-8"), sigs


def parse_checkpoint(text):
    lines = text.decode("utf-8").split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise VerifyError("检查点正文格式错误")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise VerifyError("检查点根哈希长度不是 32 字节")
    return lines[0], int(lines[1]), root


def _openssl_verify(pem, msg, sig, sm2):
    with tempfile.TemporaryDirectory(prefix="zv-") as d:
        paths = {}
        for name, data in (("key.pem", pem), ("msg", msg), ("sig", sig)):
            paths[name] = os.path.join(d, name)
            with open(paths[name], "wb") as f:
                f.write(data)
        cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"], "-rawin",
               "-in", paths["msg"], "-sigfile", paths["sig"]]
        if sm2:
            cmd += ["-digest", "sm3", "-pkeyopt", "distid:" + SM2_ID]
        p = subprocess.run(cmd, capture_output=True, timeout=30)
        return p.returncode == 0 and b"Signature Verified Successfully" in p.stdout


def ed25519_pem(raw):
    der = ED25519_SPKI_PREFIX + raw
    return b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(der) + b"-----END PUBLIC KEY-----\n"


def sm2_der_from_pem(pem):
    p = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pem, capture_output=True, timeout=30)
    if p.returncode != 0:
        raise VerifyError("SM2 公钥无法读取: " + p.stderr.decode("utf-8", "replace"))
    return p.stdout


def check_note(note, vkey, sm2_pem=None):
    """Verify the Ed25519 line against vkey (signed-note verifier key text)
    and, if sm2_pem is given, the SM2 line.  Returns the note text bytes."""
    name, khash, ktype, key = parse_vkey(vkey)
    if ktype != 1 or len(key) != 32:
        raise VerifyError("验证密钥不是 Ed25519 密钥")
    text, sigs = parse_note(note)
    ed = [s for n, s in sigs if n == name and s[:4] == khash]
    if not ed:
        raise VerifyError("检查点没有固定 Ed25519 密钥的签名")
    for s in ed:
        if len(s) != 68 or not _openssl_verify(ed25519_pem(key), text, s[4:], sm2=False):
            raise VerifyError("Ed25519 签名验证失败")
    if sm2_pem is not None:
        material = b"\xffSM2" + sm2_der_from_pem(sm2_pem)
        shash = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
        sm = [s for n, s in sigs if n == name and s[:4] == shash]
        if not sm:
            raise VerifyError("检查点没有 SM2 密钥的签名")
        for s in sm:
            if not _openssl_verify(sm2_pem, text, s[4:], sm2=True):
                raise VerifyError("SM2 签名验证失败")
    return text


# --------------------------------------------------------------- checks ----
class Checkpoint:
    def __init__(self, note, vkey, sm2_pem=None):
        self.note = note
        self.text = check_note(note, vkey, sm2_pem)
        self.origin, self.size, self.root = parse_checkpoint(self.text)
        if self.origin != parse_vkey(vkey)[0]:
            raise VerifyError("检查点来源与密钥名称不符")


def get_checkpoint(base, vkey=None, with_sm2=True):
    if vkey is None:
        vkey = fetch_ok(base, "/log/key").decode("utf-8").strip()
    note = fetch_ok(base, "/log/checkpoint")
    sm2 = None
    if with_sm2:
        sm2 = fetch_ok(base, "/log/key/sm2")
        sm2 = sm2[: sm2.index(b"-----END PUBLIC KEY-----") + 25]
    return Checkpoint(note, vkey, sm2)


def check_leaf(base, index, cp):
    """Fetch leaf index, recompute its hash, verify its inclusion in cp."""
    j = fetch_json(base, "/api/v1/log/leaves/%d" % index)
    leaf = base64.b64decode(j["leaf"])
    lh = leaf_hash(leaf)
    if j["index"] != index or lh != base64.b64decode(j["hash"]):
        raise VerifyError("第 %d 号叶子的哈希与内容不符" % index)
    obj = json.loads(leaf.decode("utf-8"))
    canon = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if canon != leaf or obj.get("index") != index:
        raise VerifyError("第 %d 号叶子不是规范 JSON 或序号不符" % index)
    p = fetch_json(base, "/api/v1/log/proof/inclusion?index=%d&size=%d" % (index, cp.size))
    proof = [base64.b64decode(x) for x in p["proof"]]
    if p["index"] != index or p["size"] != cp.size or not verify_inclusion(index, cp.size, lh, proof, cp.root):
        raise VerifyError("第 %d 号叶子的包含证明不成立" % index)
    return leaf


def check_consistency(base, old, new):
    p = fetch_json(base, "/api/v1/log/proof/consistency?from=%d&to=%d" % (old.size, new.size))
    proof = [base64.b64decode(x) for x in p["proof"]]
    if not verify_consistency(old.size, new.size, old.root, new.root, proof):
        raise VerifyError("从大小 %d 到 %d 的一致性证明不成立" % (old.size, new.size))


def tile_index_path(n):
    """C2SP tlog-tiles: 1234067 -> x001/x234/067."""
    s = "%03d" % (n % 1000)
    n //= 1000
    while n > 0:
        s = "x%03d/" % (n % 1000) + s
        n //= 1000
    return s


def check_tiles(base, cp):
    """Rebuild the root from the level-0 tiles and the entry bundles."""
    hashes, leaves = [], []
    full, rest = divmod(cp.size, 256)
    for t in range(full + (1 if rest else 0)):
        suffix = "" if t < full else ".p/%d" % rest
        width = 256 if t < full else rest
        st, data, hdr = fetch(base, "/log/tile/0/" + tile_index_path(t) + suffix)
        if st != 200 or len(data) != 32 * width:
            raise VerifyError("瓦片 0/%d%s: HTTP %d, %d 字节" % (t, suffix, st, len(data)))
        cc = hdr.get("Cache-Control", "")
        if (t < full) != ("immutable" in cc):
            raise VerifyError("瓦片 0/%d%s 的缓存头不对: %s" % (t, suffix, cc))
        hashes += [data[i:i + 32] for i in range(0, len(data), 32)]
        st, data, _ = fetch(base, "/log/tile/entries/" + tile_index_path(t) + suffix)
        if st != 200:
            raise VerifyError("数据瓦片 entries/%d%s: HTTP %d" % (t, suffix, st))
        off = 0
        while off < len(data):
            n = int.from_bytes(data[off:off + 2], "big")
            leaves.append(data[off + 2:off + 2 + n])
            off += 2 + n
        if off != len(data):
            raise VerifyError("数据瓦片 entries/%d 长度有误" % t)
    if len(hashes) != cp.size or len(leaves) != cp.size:
        raise VerifyError("瓦片中的哈希 %d 个、叶子 %d 个，应为 %d" % (len(hashes), len(leaves), cp.size))
    for i, leaf in enumerate(leaves):
        if leaf_hash(leaf) != hashes[i]:
            raise VerifyError("数据瓦片中第 %d 号叶子与哈希瓦片不符" % i)
    if mth(hashes) != cp.root:
        raise VerifyError("由瓦片重建的根哈希与检查点不符")
    return leaves


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="独立核验 zhifa 公开账本")
    ap.add_argument("url")
    ap.add_argument("--key", help="固定的 Ed25519 验证密钥(默认取 /log/key)")
    ap.add_argument("--leaves", type=int, default=8, help="核验包含证明的叶子数")
    ap.add_argument("--old", help="上次保存的检查点(签名笔记)文件，核验一致性")
    a = ap.parse_args(argv)
    fails = 0

    def step(name, fn):
        nonlocal fails
        try:
            r = fn()
            print("通过: " + name)
            return r
        except (VerifyError, OSError, ValueError, KeyError) as e:
            fails += 1
            print("失败: %s: %s" % (name, e))
            return None

    cp = step("检查点签名(Ed25519 与 SM2)", lambda: get_checkpoint(a.url, a.key))
    if cp:
        print("检查点: %s 大小 %d" % (cp.origin, cp.size))
        picks = sorted({0, cp.size - 1, cp.size // 2} | set(range(0, cp.size, max(1, cp.size // max(1, a.leaves)))))
        for i in picks[: a.leaves + 3]:
            step("第 %d 号叶子的包含证明" % i, lambda i=i: check_leaf(a.url, i, cp))
        step("由瓦片重建根哈希", lambda: check_tiles(a.url, cp))
        if a.old:
            with open(a.old, "rb") as f:
                old = step("旧检查点签名", lambda: Checkpoint(f.read(), a.key or fetch_ok(a.url, "/log/key").decode().strip()))
            if old:
                step("一致性证明", lambda: check_consistency(a.url, old, cp))
    print("核验未通过: %d 项失败" % fails if fails else "核验通过")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
