"""The Jinja2 environment: strict undefined, autoescaping, date filters; template errors become
SiteErrors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import jinja2

from generator.base.cache import read_sealed, secret, write_sealed
from generator.base.dates import chinese_date
from generator.base.errors import BuildFailed, error


# the tool's own templates, under a site's own
SHIPPED = Path(__file__).resolve().parents[2] / "templates"


class Templates:
    """The one Jinja environment of every format: a site's templates folder first, then the shipped
    templates, so a site can override any template (the LED player's and the WeChat preview's
    included). Content is only ever passed in as data, never as a template."""

    def __init__(self, folder: Path, cache_dir: Path | None = None, compiled: dict | None = None):
        self.folder, self.cache_dir = folder, cache_dir
        # Templates compiled here (or by the process that sent this one) are held in memory, so a
        # worker process given these Templates compiles none of them again; with a cache folder
        # they are also kept between builds (Jinja checks each template's time stamp before
        # reusing one).
        self._compiled = KeptBytecodeCache(cache_dir, compiled)
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(
                [str(folder)] + ([str(SHIPPED)] if folder.resolve() != SHIPPED else [])
            ),
            bytecode_cache=self._compiled,
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["cn_date"] = _cn_date
        self.env.filters["iso"] = _iso

    def __reduce__(self):
        # Sent to a worker process as its folders and the code compiled so far: the environment
        # (with its locks) is made again there, its templates are not compiled again (without this
        # every chunk of pages a worker took compiled the page templates anew: 0.4 s of CPU in a
        # cold build of 1,000 pages without a cache folder).
        return Templates, (self.folder, self.cache_dir, self._compiled.kept)

    def load(self, name: str) -> None:
        """Compile a template now (it is kept for later renders); mistakes raise BuildFailed as in
        `render`."""
        self.render(name, None)

    def render(self, name: str, context: dict | None) -> str:
        """Render a template by name; template mistakes raise BuildFailed naming the template file
        and line.

        With no context the template is only loaded (and compiled if need be), and "" is returned.
        """
        try:
            template = self.env.get_template(name)
            return "" if context is None else template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildFailed(
                [
                    error(
                        self.folder / (exc.filename or name),
                        exc.lineno or 1,
                        f"模板语法错误：{exc.message}",
                    )
                ]
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildFailed([error(self.folder / name, 1, f"找不到模板 {exc.name}")]) from None
        except jinja2.UndefinedError as exc:
            raise BuildFailed(
                [
                    error(
                        self.folder / name,
                        _template_line(exc, name),
                        f"模板用到了不存在的值：{exc.message}",
                    )
                ]
            ) from None


class SealedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in files sealed like every cache entry: Jinja runs the code it loads,
    so a file planted or damaged in .cache/ is never loaded (the template is compiled again)."""

    def __init__(self, folder: Path):
        self.folder, self.secret = folder, secret()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Load a bucket's code when its sealed file checks out."""
        data = read_sealed(self.folder / f"{bucket.key}.code", self.secret)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Store a bucket's code, sealed."""
        write_sealed(self.folder / f"{bucket.key}.code", bucket.bytecode_to_string(), self.secret)


class KeptBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates held in memory (`kept`, by Jinja's bucket key), in front of the sealed
    files of `folder` when there is one. Jinja checks each entry against its template's source
    before using it, so a changed template is compiled again."""

    def __init__(self, folder: Path | None, kept: dict | None = None):
        self.files = SealedBytecodeCache(folder) if folder is not None else None
        self.kept: dict[str, bytes] = dict(kept or {})

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Load a bucket's code from memory, else from the sealed files."""
        data = self.kept.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
        if bucket.code is None and self.files is not None:
            self.files.load_bytecode(bucket)
            if bucket.code is not None:
                self.kept[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled bucket's code in memory and in the sealed files."""
        self.kept[bucket.key] = bucket.bytecode_to_string()
        if self.files is not None:
            self.files.dump_bytecode(bucket)


def _template_line(exc: Exception, name: str) -> int:
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    text = chinese_date(value if isinstance(value, date) else value.date())
    if isinstance(value, datetime) and (value.hour or value.minute):
        text += f" {value:%H:%M}"
    return text


def _iso(value: date | datetime) -> str:
    return value.isoformat()
