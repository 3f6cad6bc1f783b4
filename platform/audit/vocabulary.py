"""Chinese words for what the audit log stores as codes: its actions and the tables (objects)
a record is about, for the supervisor's audit desk. A code not listed is shown as it is."""

from __future__ import annotations

ACTIONS = {
    "create": "新增", "update": "修改", "delete": "删除", "bulk_update": "批量修改", "bulk_delete": "批量删除",
    "login": "登录", "logout": "退出登录", "login_failed": "登录失败", "password_change_failed": "修改密码失败",
    "export": "导出", "import": "导入", "pii_read": "查看完整个人信息", "refused": "被拒绝的操作",
    "document_generated": "生成文书", "document_verified": "核验文书", "deadline_recomputed": "重算期限",
    "supervise": "督办", "move": "调整隶属", "close": "结束", "chain_keyed": "审计链加封", "erase_detail": "清除审计明细",
}

OBJECTS = {
    "matters": "信访事项", "matter_petitioners": "信访人(事项)", "matter_units": "承办单位", "matter_clocks": "办理期限",
    "matter_events": "办理过程", "matter_opinions": "处理意见", "matter_deliveries": "文书送达",
    "matter_agreements": "调解协议", "matter_recusals": "回避", "matter_follow_ups": "回访",
    "matter_ownerships": "领导包案", "matter_ownership_items": "包案事项", "matter_supervisions": "事项督办",
    "matter_access": "事项可见范围", "matter_counters": "事项编号", "people": "信访人档案",
    "screening_entries": "矛盾纠纷排查清单", "backlog_entries": "信访积案清单", "rota_duties": "接访轮值",
    "reception_records": "接访登记", "leader_visits": "领导下访约访", "report_submissions": "周三周五报送",
    "supervision_orders": "督办", "supervision_reports": "督办回报", "intake_cases": "受理室登记",
    "dispatch_notices": "分流指派通知单", "campaigns": "专项活动", "campaign_scopes": "活动范围",
    "campaign_phases": "活动阶段", "campaign_ticks": "活动任务登记", "campaign_access": "活动可见范围",
    "calendar_years": "节假日安排", "calendar_days": "工作日历", "county_rules": "信访事项规则",
    "documents": "文书", "notifications": "提醒", "users": "账号", "role_assignments": "角色授予",
    "auth_sessions": "登录会话", "nodes": "组织架构", "casbin_rules": "权限模板", "requests": "请求",
    "audit_records": "审计日志", "audit_details": "审计明细", "outbox_jobs": "后台任务",
}
