"""handbook.yaml: read safely, every problem located by line and column, paths kept inside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lianfang.handbook.config import HandbookConfigError, is_config_file, load_project


def write(folder: Path, text: str, name: str = "handbook.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(HandbookConfigError) as e:
        project = load_project(path)
        project.unit_files()
        project.documents()
    return e.value.problems


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "a.yaml").write_text("unit: {}\n", encoding="utf-8")
    (tmp_path / "units" / "b.xlsx").write_bytes(b"")
    (tmp_path / "units" / "~$b.xlsx").write_bytes(b"")  # an Excel lock file
    (tmp_path / "units" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("what belongs here", encoding="utf-8")
    (tmp_path / "docs" / "law.md").write_text("# law", encoding="utf-8")
    (tmp_path / "docs" / "scan.pdf").write_bytes(b"%PDF")
    return tmp_path


def test_a_complete_config(project_dir: Path):
    path = write(project_dir, """\
title: 手册
organisation: 巢湖市卫生局
year: 2026
units: [units/*]
documents:
  laws: docs/*
  mandate:
    - {path: docs/law.md, title: 三定}
templates: docs
font: Noto Sans CJK SC
output: out
formats: md
""")
    project = load_project(path)
    c = project.config
    assert (c.title, c.organisation, c.year, c.font, c.formats) == ("手册", "巢湖市卫生局", 2026, "Noto Sans CJK SC", ["md"])
    # workbooks only: the lock file and the text file are not units
    assert [p.name for p in project.unit_files()] == ["a.yaml", "b.xlsx"]
    docs = project.documents()
    # the README of a folder matched by a glob is not a document; a title applies to one file
    assert [(p.name, t) for p, t in docs[1]] == [("law.md", None), ("scan.pdf", None)]
    assert [(p.name, t) for p, t in docs[2]] == [("law.md", "三定")]
    assert docs[6] == docs[7] == docs[8] == []
    assert project.output_dir() == project_dir / "out"
    assert project.templates_dir() == project_dir / "docs"


def test_unknown_key_located_at_the_key(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml]\ntitel: 手册\ndocuments:\n  law: [docs/law.md]\n")
    assert problems(path) == [
        f"{path}:2:1: titel: 未知的键（拼写错误？）",
        f"{path}:4:3: documents.law: 未知的键（拼写错误？）",
    ]


def test_wrong_types_located_at_the_value(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml]\nyear: 二〇二六\nallow_outside: maybe\nformats: [md, html]\n")
    assert problems(path) == [
        f"{path}:2:7: year: 应为整数",
        f"{path}:3:16: allow_outside: 应为 true 或 false",
        f"{path}:4:10: formats: 未知的格式「html」（可选 md、xlsx、docx、pdf）",
    ]


def test_missing_units(project_dir: Path):
    path = write(project_dir, "title: 手册\n")
    assert problems(path) == [f"{path}:1:1: units: 缺少必填项"]


def test_messages_in_english(project_dir: Path, monkeypatch):
    monkeypatch.setenv("LIANFANG_LANG", "en")
    path = write(project_dir, "units: [units/a.yaml]\nyear: x\n")
    assert problems(path) == [f"{path}:2:7: year: must be an integer"]


def test_yaml_syntax_error_located(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml\ntitle: x\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:2:") and "不是有效的 YAML" in message


def test_tags_are_refused_not_run(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml]\ntitle: !!python/object/apply:os.system [echo hi]\n")
    assert problems(path) == [f"{path}:2:8: 不允许使用 YAML 标签 tag:yaml.org,2002:python/object/apply:os.system"]


def test_not_a_mapping(project_dir: Path):
    path = write(project_dir, "- units\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:1:1:") and "映射" in message


@pytest.mark.parametrize("entry", ["../../etc/passwd", "../outside.yaml", "units/../../outside.yaml"])
def test_path_escape_refused(project_dir: Path, entry: str):
    (project_dir.parent / "outside.yaml").write_text("unit: {}\n", encoding="utf-8")
    path = write(project_dir, f"units:\n  - units/a.yaml\n  - {entry}\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:3:5:")
    assert "项目文件夹" in message and "allow_outside" in message


def test_absolute_path_refused(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml]\ndocuments:\n  laws: [/etc/passwd]\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:3:10:") and "绝对路径" in message


def test_glob_out_of_the_folder_refused(project_dir: Path):
    path = write(project_dir, "units: [units/a.yaml]\ndocuments:\n  other: ['../*/docs/law.md']\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:3:11:") and "项目文件夹" in message


def test_symlink_out_of_the_folder_refused(project_dir: Path, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.md"
    secret.write_text("secret", encoding="utf-8")
    os.symlink(secret, project_dir / "docs" / "link.md")
    path = write(project_dir, "units: [units/a.yaml]\ndocuments:\n  other: [docs/link.md]\n")
    (message,) = problems(path)
    assert "项目文件夹" in message


def test_allow_outside_allows_it(project_dir: Path):
    outside = project_dir.parent / "outside.md"
    outside.write_text("x", encoding="utf-8")
    path = write(project_dir, f"units: [units/a.yaml]\nallow_outside: true\ndocuments:\n  other: [../outside.md, {outside}]\n")
    docs = load_project(path).documents()
    assert [p.resolve() for p, _ in docs[8]] == [outside.resolve(), outside.resolve()]


def test_unit_glob_without_match_and_missing_file(project_dir: Path):
    path = write(project_dir, "units: [units/*.xls, units/none.yaml]\ndocuments:\n  laws: [docs/none.md, 'docs/*.doc']\n")
    with pytest.raises(HandbookConfigError) as e:
        load_project(path).unit_files()
    assert e.value.problems == [
        f"{path}:1:9: 「units/*.xls」没有匹配到任何文件",
        f"{path}:1:22: 文件不存在：units/none.yaml",
    ]
    with pytest.raises(HandbookConfigError) as e:
        load_project(path).documents()
    # a document glob may match nothing (an empty part); a named file must exist
    assert e.value.problems == [f"{path}:3:10: 文件不存在：docs/none.md"]


def test_is_config_file(project_dir: Path):
    assert is_config_file(write(project_dir, "units: [a]\n", "other.yaml"))
    assert not is_config_file(project_dir / "units" / "a.yaml")
    assert is_config_file(write(project_dir, "x: 1\n", "handbook.yml"))
    assert not is_config_file(write(project_dir, "unit: {}\nunits: []\n", "odd.yaml"))
    assert not is_config_file(project_dir / "units" / "b.xlsx")
