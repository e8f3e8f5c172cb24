"""The benchmark's nginx is production's: Debian's nginx.conf with the location block
SECURITY.md documents, and nothing of the machine's own sites."""

from pathlib import Path

import pytest

from bench import throughput


def test_the_proxied_block_is_the_documented_one_with_the_benchmarks_upstream():
    block = throughput.production_location("127.0.0.1:9999")
    assert "proxy_pass http://127.0.0.1:9999;" in block
    assert "8000" not in block
    assert 'proxy_set_header X-Forwarded-Host "";' in block  # as SECURITY.md asks


@pytest.mark.skipif(not throughput.DEBIAN_NGINX_CONF.exists(), reason="Debian's nginx (make nginx)")
def test_nginx_runs_debians_configuration_with_one_server_per_upstream(tmp_path: Path):
    conf = throughput.nginx_config(tmp_path, {8081: "127.0.0.1:9001", 8082: "127.0.0.1:9002"})
    assert conf.startswith("daemon off;")
    assert "sites-enabled" not in conf
    assert "listen 127.0.0.1:8081;" in conf
    assert "proxy_pass http://127.0.0.1:9002;" in conf
    assert f"pid {tmp_path}/nginx.pid;" in conf
    assert "worker_processes auto;" in conf  # Debian's own settings are kept
