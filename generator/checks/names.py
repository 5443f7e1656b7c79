"""Person names in Chinese text: the words and tags of jieba's dictionary, helped by a list of
common surnames.

The dictionary (base.lexicon: jieba's words and part-of-speech tags, cut the way jieba cuts them
without guessing unknown words) tags many names (nr), but splits others into a surname and a word
(姜/nr 彩霞/n), a word and a character (吴国/ns 良/a) or single characters (彭/nr 家/q 旺/a); a lone
surname followed by a short word or by single characters is read as a name, and a surname with a
kinship or job title (王大爷, 毛阿姨, 老汪) as a reference to a person. jieba's own tagger, whose
hidden Markov model guessed the unknown names, is not needed (it took about 115 MB and a second to
load); callers still tag only sentences that already need a name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.base import lexicon

# Common surnames, without the ones that are everyday single-character words in running text (和, 时,
# 常…).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任卢姚沈"
    "钟姜崔谭陆汪范廖石金韦贾夏付傅方邹熊孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵覃武钱严赖洪莫孔汤温康"
    "施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿兰焦俞柳祝包宁符舒阮柯纪梅童凌毕季裴霍涂苗谷盛翁冉骆"
    "蓝游辛靳管柴鲍喻祁蒲滕饶牟艾尤穆卓缪褚娄窦戚岑宫费卜冷晏席卫柏瞿桂佟邬卞姬栾隋刁巫寇桑郎甄虞敖巩"
    "佘池邝樟")
TITLES = ("大爷", "大妈", "大娘", "阿姨", "奶奶", "爷爷", "师傅", "大姐", "大哥", "老人", "老师", "书记", "医生",
          "嫂", "婆婆", "阿婆", "老伯", "伯伯", "叔叔", "婶", "阿公", "老汉", "大叔", "姐", "哥", "主任", "队长")
_NAME_TAGS = {"nr", "nrfg", "nrt"}
_WORD_TAGS = {
    "nr",
    "nrfg",
    "nrt",
    "ng",
    "zg",
    "n",
    "nz",
    "ns",
    "j",
    "a",
    "v",
    "vn",
    "i",
    "l",
    "g",
    "b",
}
# Single characters that end a phrase rather than a given name (王芳/说): a two-character name is not
# extended.
_STOP = frozenset("的了是在和与也都就把被给对向从又还才很会到去来让跟家等们说讲笑想看问道称告所为以及而着过每今年"
                  "一这那些个里上下中前后时")
# A word counted more often than this in jieba's dictionary is not a surname and a given name's
# first character (方法 18,045; 夏天 3,821; but 叶子 1,205/nr, 吴国 174)
_COMMON = 1000
# Characters of _STOP that often begin a given name (家旺, 一鸣)
_GIVEN = frozenset("家一")
_NOT_NAMES = ("胡柚", "常山", "江山")  # words of the county that start with a surname
_NOT_NAMES_AFTER = ("柚",)
_PLACE_ENDS = frozenset("村镇乡街路县市区桥寺庙站馆院校厂店铺园队组部局委办会社所柚")
_PLACES = frozenset(("街道", "镇", "乡", "村", "社区", "县", "市", "路", "小区", "街", "大道", "集镇"))
_PRONOUN = re.compile(r"[他她]|其|老人|本人")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class Name:
    """A person named in a text: where, and how (a full name, or a surname with a title)."""

    start: int
    end: int
    text: str
    full: bool = True


def tagger() -> lexicon.Lexicon:
    """jieba's dictionary with its part-of-speech tags (base.lexicon), which the line breaker
    (base.phrases) shares: loaded once per process whichever asks first."""
    return lexicon.default()


def find(text: str, known: tuple[str, ...] = ()) -> list[Name]:
    """The people a sentence names: known names (from the front matter) first, then those jieba
    finds."""
    found = [
        Name(m.start(), m.end(), name)
        for name in known
        if name
        for m in re.finditer(re.escape(name), text)
    ]
    found += _references(text, known)
    tokens = tagger().tagged(text)
    starts = [0]
    for word, _flag in tokens:
        starts.append(starts[-1] + len(word))
    for index in range(len(tokens)):
        name = _name_at(text, tokens, starts, index)
        if name and not any(n.start < name.end and name.start < n.end for n in found):
            found.append(name)
    return sorted(found, key=lambda n: n.start)


def _name_at(
    text: str, tokens: list[tuple[str, str]], starts: list[int], index: int
) -> Name | None:
    """A name starting at token `index`: a tagged name, a surname with a title, or a surname and
    given name."""
    word, flag = tokens[index]
    before = tokens[index - 1] if index else ("", "x")
    after = tokens[index + 1] if index + 1 < len(tokens) else ("", "x")
    pos = starts[index]
    if len(word) == 2 and word[0] in "老小" and word[1] in SURNAMES:
        return Name(pos, pos + 2, word, False)  # 老汪/nr
    if (
        not _HAN.match(word)
        or word[0] not in SURNAMES
        or word.endswith("某")
        or after[0].startswith("某")
    ):
        return None
    if word.startswith(_NOT_NAMES) or (word == word[0] and after[0].startswith(_NOT_NAMES_AFTER)):
        return None
    if before[1] in ("m", "q", "mq") or before[0].endswith(word[0]):
        return None  # 一张/张摊, 张张: a measure word, not a surname
    if len(word) == 1 and before[0] in ("老", "小"):
        return Name(pos - 1, pos + 1, before[0] + word, False)  # 老汪
    if len(word) == 1 and after[0] in TITLES:
        return Name(pos, pos + 1 + len(after[0]), word + after[0], False)  # 毛阿姨
    if flag in _NAME_TAGS and 2 <= len(word) <= 4 and (len(word) > 2 or _frequency(word) <= 30):
        return Name(pos, pos + len(word), word, not word.endswith(TITLES))
    if len(word) > 1 and flag not in _NAME_TAGS and _frequency(word) > _COMMON:
        return None  # 方法编, 夏天午: a name does not begin with a word as common as these
    boundaries = set(starts)
    for length in (3, 2):
        candidate = text[pos:pos + length]
        end = pos + length
        if (
            len(candidate) < length
            or not _HAN.match(candidate)
            or candidate[-1] in _STOP
            or (candidate[1] in _STOP and not _single_characters(candidate, pos, boundaries))
        ):
            continue
        if not (end in boundaries or text[end:end + 1] in _STOP) or candidate[-1] in _PLACE_ENDS:
            continue
        if (
            _frequency(candidate) > (0 if length == 3 else 30)
            or _next_word(text, end, starts, tokens) in _PLACES
        ):
            continue
        return Name(pos, end, candidate)
    return None


def _single_characters(candidate: str, pos: int, boundaries: set[int]) -> bool:
    """True for a three-character name the dictionary cuts into single characters (彭|家|旺,
    江|一|鸣): its middle character may be one that usually ends a phrase (家, 一)."""
    return len(candidate) == 3 and candidate[1] in _GIVEN and all(
        pos + i in boundaries for i in (1, 2, 3)
    )


def _next_word(text: str, end: int, starts: list[int], tokens: list[tuple[str, str]]) -> str:
    return tokens[starts.index(end)][0] if end in starts[:-1] else ""


def _frequency(word: str) -> int:
    """How common a word is in jieba's dictionary (0 for names it does not list)."""
    return tagger().frequency(word)


def _references(text: str, known: tuple[str, ...]) -> list[Name]:
    """老汪, 小周, 汪师傅: references to a known person by surname."""
    found = []
    for surname in {name[0] for name in known if name}:
        pattern = rf"[老小]{surname}|{surname}(?:{'|'.join(TITLES)})"
        found += [Name(m.start(), m.end(), m.group(0), False) for m in re.finditer(pattern, text)]
    return found


def refers_back(sentence: str) -> bool:
    """True when a sentence speaks of someone named before it (他, 她, 其, 老人)."""
    return bool(_PRONOUN.search(sentence))
