"""The `docker` engine: testcontainers' PostgresContainer (pip install 'sqlkit-pg[docker]')."""

from __future__ import annotations

from typing import Any

from sqlkit.engines.base import Engine, Server
from sqlkit.errors import EngineError

DEFAULT_IMAGE = "postgres:18-alpine"


def docker_available() -> str | None:
    """None when a Docker engine answers; otherwise why not, in a few words."""
    try:
        import docker
    except ImportError:
        return "the docker extra is not installed (pip install 'sqlkit-pg[docker]')"
    try:
        client = docker.from_env(timeout=5)
        client.ping()
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"no Docker engine is reachable ({reason[:160]})"
    return None


class DockerEngine(Engine):
    name = "docker"

    def __init__(self, image: str | None = None) -> None:
        super().__init__()
        self.image = image or DEFAULT_IMAGE
        self.container: Any = None

    def start(self) -> Server:
        problem = docker_available()
        if problem is not None:
            raise EngineError(
                f"--engine docker: {problem}",
                hint="start Docker (or set DOCKER_HOST), or use --engine embedded (no Docker needed)",
            )
        from testcontainers.postgres import PostgresContainer

        self.container = PostgresContainer(
            self.image, username="postgres", password="postgres", dbname="postgres"
        )
        try:
            self.container.start()
            host = self.container.get_container_host_ip()
            port = int(self.container.get_exposed_port(5432))
        except Exception as exc:
            self.stop()
            raise EngineError(
                f"the docker engine could not start {self.image}: {exc}",
                hint="check the image name (docker_image) and that Docker can pull it",
            ) from None
        return Server(host=host, port=port, user="postgres", password="postgres")

    def stop(self) -> None:
        if self.container is not None:
            try:
                self.container.stop()
            finally:
                self.container = None
