"""Province short names, their full names and prefecture-level cities (for region detection).

Data only. City names are written without the 市/地区/州 suffix; ``region.py`` decides which suffix a
match needs (中山大学 is not 中山市, 吉林市 is a city of 吉林省).
"""

from __future__ import annotations

# short name → full name
PROVINCES: dict[str, str] = {
    "北京": "北京市", "天津": "天津市", "河北": "河北省", "山西": "山西省", "内蒙古": "内蒙古自治区",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "上海": "上海市", "江苏": "江苏省",
    "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省", "山东": "山东省",
    "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省", "广西": "广西壮族自治区",
    "海南": "海南省", "重庆": "重庆市", "四川": "四川省", "贵州": "贵州省", "云南": "云南省",
    "西藏": "西藏自治区", "陕西": "陕西省", "甘肃": "甘肃省", "青海": "青海省", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区",
}  # fmt: skip

# GB/T 2260 province prefixes of 政采云 ``districtCode`` values (339900 → 浙江).
DISTRICT_PREFIX: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆",
}  # fmt: skip

# Portal hosts → province (research/sources.md, domain.md §6.1). Checked as substrings of the host.
HOSTS: dict[str, str] = {
    "ccgp-beijing": "北京", "ccgp-tianjin": "天津", "ccgp-hebei": "河北", "ggzy.hebei": "河北", "hebpr": "河北",
    "ccgp-shanxi": "山西", "ccgp-neimenggu": "内蒙古", "ccgp-liaoning": "辽宁", "ccgp-jilin": "吉林",
    "ccgp-heilongj": "黑龙江", "zfcg.sh.gov.cn": "上海", "ccgp-shanghai": "上海", "ccgp-jiangsu": "江苏",
    "zfcg.czt.zj.gov.cn": "浙江", "ccgp-zhejiang": "浙江", "ccgp-anhui": "安徽", "ccgp-fujian": "福建",
    "ggzyfw.fujian": "福建", "ccgp-jiangxi": "江西", "ggzy.jiangxi": "江西", "ccgp-shandong": "山东",
    "ccgp-henan": "河南", "ccgp-hubei": "湖北", "ccgp-hunan": "湖南", "gdgpo": "广东", "ygp.gdzwfw": "广东",
    "ccgp-guangdong": "广东", "ccgp-guangxi": "广西", "gxggzy": "广西", "ccgp-hainan": "海南",
    "ccgp-chongqing": "重庆", "ccgp-sichuan": "四川", "ggzyjy.sc.gov.cn": "四川", "ccgp-guizhou": "贵州",
    "ccgp-yunnan": "云南", "ccgp-xizang": "西藏", "ccgp-shaanxi": "陕西", "ccgp-gansu": "甘肃",
    "ccgp-qinghai": "青海", "ccgp-ningxia": "宁夏", "ccgp-xinjiang": "新疆",
}  # fmt: skip

# Prefecture-level cities (and 地区/盟/自治州 without suffix) per province; municipalities have none.
_CITIES = {
    "河北": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "山西": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "内蒙古": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善",
    "辽宁": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
    "吉林": "长春 吉林 四平 辽源 通化 白山 松原 白城 延边",
    "黑龙江": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭",
    "江苏": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "浙江": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
    "安徽": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "福建": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "江西": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "山东": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "河南": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源",
    "湖北": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门",
    "湖南": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西",
    "广东": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "广西": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "海南": "海口 三亚 三沙 儋州",
    "四川": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 "
    "阿坝 甘孜 凉山",
    "贵州": "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南",
    "云南": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆",
    "西藏": "拉萨 日喀则 昌都 林芝 山南 那曲 阿里",
    "陕西": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "甘肃": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南",
    "青海": "西宁 海东 海北 黄南 海南州 果洛 玉树 海西",
    "宁夏": "银川 石嘴山 吴忠 固原 中卫",
    "新疆": "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子",
}

# city short name → province short name (吉林 the city resolves to 吉林 the province anyway).
CITIES: dict[str, str] = {city: province for province, names in _CITIES.items() for city in names.split()}

# Full names of the prefectures that are not 市 (城市 short name → official name).
_NOT_SHI = (
    "兴安盟", "锡林郭勒盟", "阿拉善盟", "延边朝鲜族自治州", "大兴安岭地区", "恩施土家族苗族自治州",
    "湘西土家族苗族自治州", "阿坝藏族羌族自治州", "甘孜藏族自治州", "凉山彝族自治州",
    "黔西南布依族苗族自治州", "黔东南苗族侗族自治州", "黔南布依族苗族自治州", "楚雄彝族自治州",
    "红河哈尼族彝族自治州", "文山壮族苗族自治州", "西双版纳傣族自治州", "大理白族自治州",
    "德宏傣族景颇族自治州", "怒江傈僳族自治州", "迪庆藏族自治州", "阿里地区", "临夏回族自治州",
    "甘南藏族自治州", "海北藏族自治州", "黄南藏族自治州", "海南州", "果洛藏族自治州", "玉树藏族自治州",
    "海西蒙古族藏族自治州", "昌吉回族自治州", "博尔塔拉蒙古自治州", "巴音郭楞蒙古自治州",
    "克孜勒苏柯尔克孜自治州", "伊犁哈萨克自治州", "塔城地区", "阿勒泰地区", "和田地区", "喀什地区",
    "阿克苏地区",
)


def _full_city(short: str) -> str:
    """The official name of a prefecture (贵阳 → 贵阳市, 延边 → 延边朝鲜族自治州)."""
    for full in _NOT_SHI:
        if full.startswith(short):
            return full
    return short if short.endswith("州") and short == "海南州" else f"{short}市"


CITY_FULL_NAMES: dict[str, str] = {city: _full_city(city) for city in CITIES}
