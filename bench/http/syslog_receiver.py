#!/usr/bin/env python3
"""syslog_receiver.py PATH COUNT_FILE -- a private syslog daemon for the
benchmark: binds an AF_UNIX datagram socket at PATH (inside the benchmark's
mount namespace that is /dev/log, where glibc's syslog(3) always writes),
counts the datagrams, and writes the count to COUNT_FILE on SIGTERM."""
import os, signal, socket, sys

path, count_file = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(path)
os.chmod(path, 0o666)
n = 0

def done(*_):
    with open(count_file, "w") as f:
        f.write("%d\n" % n)
    sys.exit(0)

signal.signal(signal.SIGTERM, done)
open(count_file + ".ready", "w").close()
while True:
    s.recv(65536)
    n += 1
