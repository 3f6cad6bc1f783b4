"""A sample 督办 (白羽街道 over its 城东社区) with a report and its file, and well-formed
bodies for the 督办 routes, for the route walk in test_route_walk.py."""

from __future__ import annotations

import datetime as dt
import hashlib

TOWNSHIP, VILLAGE = "411323001", "411323001001"


def supervision_samples(app, demo) -> dict[str, object]:
    from xinfang.platform.files import write_atomically
    from xinfang.platform.supervision.models import SupervisionOrder, SupervisionReport
    from xinfang.tenants.scope import Scope

    day = dt.date(2026, 11, 18)
    content = "整改报告".encode()
    digest = hashlib.sha256(content).hexdigest()
    path = f"supervision/{digest[:2]}/{digest}"
    write_atomically(app.state.settings.storage_dir, path, content)
    with app.state.session_factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        order = SupervisionOrder(node_id=demo.node(VILLAGE).id, office_node_id=demo.node(TOWNSHIP).id,
                                 kind="letter", subject="排查不到位", requirements="限期整改", issued_on=day,
                                 due_on=day + dt.timedelta(days=10), status="reported", number="411323001-DB-2026-00001")
        s.add(order)
        s.flush()
        report = SupervisionReport(node_id=order.node_id, order_id=order.id, reported_on=day, text="已整改",
                                   attachment={"filename": "整改报告.txt", "sha256": digest, "size": len(content),
                                               "path": path})
        s.add(report)
        s.commit()
        return {"order_id": order.id, "report_id": report.id}


def supervision_bodies(demo) -> dict[tuple[str, str], dict]:
    return {
        ("POST", "/api/supervisions"): {"kind": "letter", "subject": "排查不到位", "requirements": "限期整改",
                                        "due_on": "2026-12-30", "unit_id": demo.node(VILLAGE).id},
        ("POST", "/api/supervisions/{order_id:int}/close"): {"outcome": "done", "result": "已整改到位"},
        ("POST", "/api/supervisions/{order_id:int}/suspend"): {"reason": "暂缓"},
        ("POST", "/api/supervisions/{order_id:int}/terminate"): {"reason": "不再督办"},
    }


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
MULTIPART = {"/api/supervisions/{order_id:int}/reports": {"text": (None, "已整改")},
             # a matter's attachments (API and the matter page's form)
             "/api/matters/{matter_id:int}/attachments": {"file": ("来信.png", PNG)},
             "/matters/{matter_id:int}/attachments": {"file": ("来信.png", PNG)}}
SAMPLE_PARAMETERS = {"order_id", "report_id"}
