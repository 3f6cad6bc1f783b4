"""The one Jinja configuration: escaping, strictness and the Chinese filters."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest

from xinfang.platform.templating import environment


@pytest.fixture
def env(tmp_path):
    (tmp_path / "page.html").write_text(
        "<p>{{ name }}</p><p>{{ day | cn_date }}</p><p>{{ status | label(labels) }}</p>", encoding="utf-8")
    (tmp_path / "typo.html").write_text("<p>{{ nmae }}</p>", encoding="utf-8")
    return environment(tmp_path)


def test_text_is_escaped_and_dates_and_labels_read_in_chinese(env):
    html = env.get_template("page.html").render(name="<script>alert(1)</script>", day=dt.date(2024, 9, 8),
                                                status="pending", labels={"pending": "未化解"})
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>2024年9月8日</p><p>未化解</p>"


def test_an_undefined_name_fails_loudly(env):
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("typo.html").render(name="x")


def test_one_environment_per_folder_list(tmp_path):
    assert environment(tmp_path) is environment(tmp_path)
