"""风险预警 — an enterprise's four-colour warning from its alarms, open hidden dangers and on-line rate. Pure.

Project-defined (no national rule combines these three; the colours are those of 安委办〔2016〕11号, the same
four the risk points use). The first rule that holds gives the colour:

- 红 (1): a 二级 alarm (高高/低低) still active, an alarm under 督办 (not handled in time), or a 重大隐患 open;
- 橙 (2): a 一级 alarm (高/低) still active, or the on-line rate of the last 24 hours below 90 %;
- 黄 (3): any alarm not yet closed (消警), any 一般隐患 open, or the on-line rate below 100 %;
- 蓝 (4): none of these.

Every reason that holds is listed, not only the one that decided the colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anze.monitoring.online import Count

ONLINE_ORANGE_BELOW = Fraction(9, 10)

RULE = gettext_lazy(
    "红：有二级（高高/低低）报警持续中、报警被督办（未按时处置）或有重大隐患未销号；"
    "橙：有一级（高/低）报警持续中，或近24小时数据在线率低于90%；"
    "黄：有未消警的报警、一般隐患未销号，或在线率低于100%；"
    "蓝：以上均无。（本平台定义）"
)


@dataclass(frozen=True)
class Facts:
    """What is known of one enterprise now."""

    second_level_active: int = 0
    first_level_active: int = 0
    escalated_open: int = 0
    open_alarms: int = 0
    major_dangers_open: int = 0
    general_dangers_open: int = 0
    online: Count = Count()


@dataclass(frozen=True)
class Warning:
    """The colour (1 红 … 4 蓝, as prevention's RiskLevel) and every reason that holds, colour by colour."""

    colour: int
    reasons: tuple[tuple[int, str], ...]


def assess(facts: Facts) -> Warning:
    """The four-colour warning of an enterprise; see the module's rule."""
    reasons: list[tuple[int, str]] = []
    if facts.second_level_active:
        reasons.append((1, _("二级报警持续中 %(n)s 个") % {"n": facts.second_level_active}))
    if facts.escalated_open:
        reasons.append((1, _("报警被督办 %(n)s 个") % {"n": facts.escalated_open}))
    if facts.major_dangers_open:
        reasons.append((1, _("重大隐患未销号 %(n)s 项") % {"n": facts.major_dangers_open}))
    if facts.first_level_active:
        reasons.append((2, _("一级报警持续中 %(n)s 个") % {"n": facts.first_level_active}))
    rate = facts.online.rate
    if rate is not None and rate < ONLINE_ORANGE_BELOW:
        reasons.append((2, _("在线率 %(p)s%% 低于90%%") % {"p": facts.online.percent()}))
    elif rate is not None and rate < 1:
        reasons.append((3, _("在线率 %(p)s%% 低于100%%") % {"p": facts.online.percent()}))
    if facts.open_alarms:
        reasons.append((3, _("未消警报警 %(n)s 个") % {"n": facts.open_alarms}))
    if facts.general_dangers_open:
        reasons.append((3, _("一般隐患未销号 %(n)s 项") % {"n": facts.general_dangers_open}))
    colour = min((c for c, _text in reasons), default=4)
    return Warning(colour, tuple(sorted(reasons, key=lambda r: r[0])))
