"""The seed's words (seed 003, 温鹿南郊党委〔2010〕70号): phases, 六清楚, 九个一, classes, 六有."""

from __future__ import annotations

KEY = "backlog_year"
NAME = "信访积案化解年"
SOURCE = "温州市鹿城区南郊乡关于深入开展“信访积案化解年”活动的实施意见(温鹿南郊党委〔2010〕70号,种子文件003)"
CUTOFF = "2008-12-31"  # the seed's: 2008年12月31日以前发生
DOSSIER_DUE = "10-15"  # 六有 dossiers reach the 信访办 by 10月15日
WORKING_DAYS = 60  # 原则上在60个工作日内基本办结

PREPARE, RESOLVE, INSPECT, CONCLUDE = "prepare", "resolve", "inspect", "conclude"

SOURCES = {"proposed": "系统提出候选", "screening": "排查发现", "above": "上级交办"}
STATUSES = {"confirmed": "化解中", "closed": "已销号", "removed": "已移出"}

# 六清楚 (排查准备阶段): each a written finding
SIX_CLEAR = {
    "background": "问题产生的时间背景、处理经过、历史演变、缠诉焦点、诉求、所持依据",
    "mindset": "信访人思想情绪状况",
    "handlers": "历次办案领导和知情人的看法、态度及依据",
    "relatives": "信访人家庭主要成员及亲属、朋友中有影响、有权威的精神支柱型人物的态度、倾向",
    "notables": "案发单位具有较好社会公信力基础的各界人士的态度看法",
    "policies": "涉案有关政策及法律、法规",
}

# 九个一 (集中化解阶段): 一件信访积案 is the case itself; the other eight each need a record or file
NINE_ONES = {
    "leader": "一名包案领导",
    "team": "一个化解工作小组",
    "meeting": "一次协调会",
    "plan": "一套化解方案",
    "stabilising": "一套稳控措施",
    "deadline": "一个解决期限",
    "minutes": "一份协调会纪要",
    "visit": "一次信访人见面",
}

# 分类化解 (工作要求(三)); measures against a person belong to the order campaign, never here
CLASSES = {
    "clear_basis": "法律和政策有明确规定的:一次解决到位",
    "excessive": "诉求合理但要求过高的:解决合理诉求,做好教育疏导",
    "unreasonable": "诉求无理的:依照《信访工作条例》第三十二条第(三)项答复不予支持,做好教育疏导",
    "mixed": "合理与不合理诉求交织的:通过联合接访、公开听证甄别认定,合理部分解决到位",
}
CLASS_SHORT = {"clear_basis": "依法依规解决", "excessive": "合理但过高", "unreasonable": "无理诉求",
               "mixed": "交织甄别"}

# 六有 (审理结案阶段): the dossier's parts, in the seed's order
SIX_HAVE = {
    "case": "基本案情材料",
    "assignment": "交办案件台账及交办函",
    "leader_doc": "确定包案领导和责任单位的文件或纪要",
    "report": "包案领导签字的查办报告及相关材料",
    "reply": "答复信访人的书面材料和回访材料",
    "stabilising": "目前采取的稳控措施",
}
