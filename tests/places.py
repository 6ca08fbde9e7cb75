"""The places the tests use, by name (codes from seed/places/, loaded by conftest)."""

YINCHUAN = "640100000000"  # 银川市
XINGQING = "640104000000"  # 兴庆区, 银川市
JINFENG = "640106000000"  # 金凤区, 银川市
YUANZHOU = "640402000000"  # 原州区, 固原市
ZHANGZHENG = "640104100000"  # 掌政镇, 兴庆区
TONGGUI = "640104200000"  # 通贵乡, 兴庆区
SANYING = "640402100000"  # 三营镇, 原州区
CHUNLIN = "640104100201"  # 春林村委会, 掌政镇
ZHANGZHENG_V = "640104100200"  # 掌政村委会, 掌政镇
TONGXI = "640104200201"  # 通西村委会, 通贵乡
SANYING_V = "640402100201"  # 三营村委会, 三营镇
BAOHU = "640106001001"  # 宝湖社区居委会, 金凤区
