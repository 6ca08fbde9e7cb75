"""`flask seed …` and `flask create-admin`."""

import getpass

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .documents import DomainError, User
from .documents.constants import PROVINCE_CODE
from .services import audit

seed_cli = AppGroup("seed", help="载入种子数据 / load seed data (idempotent).")


@seed_cli.command("places")
def seed_places():
    """载入宁夏行政区划（自治区、市、县区、乡镇街道、村居）。"""
    from seed.loaders import load_places

    created, kept = load_places()
    click.echo(f"行政区划：新增 {created} 个，已有 {kept} 个。")


@seed_cli.command("allocation")
def seed_allocation():
    """载入附件1 建设任务分配表。"""
    from seed.loaders import load_allocation

    created, kept = load_allocation()
    click.echo(f"建设任务分配表：新增 {created} 个县（区），已有 {kept} 个。")


@seed_cli.command("demo")
def seed_demo():
    """创建每个角色的演示账号和几个演示未保站（生产环境拒绝执行）。"""
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("生产环境不能创建演示账号。")
    from seed.loaders import load_demo

    rows = load_demo()
    click.echo("演示账号（密码相同）：")
    for username, password, role, place in rows:
        click.echo(f"  {username:<14} 密码 {password}  {role}  {place}")


@click.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="自治区民政厅管理员", help="姓名")
@click.option(
    "--password", envvar="WBZ_ADMIN_PASSWORD", default=None, help="初始密码（默认交互输入）"
)
def create_admin(username, display_name, password):
    """创建第一个自治区（民政厅儿童福利处）账号；首次登录须修改密码。"""
    if User.objects(username=username).first():
        raise click.ClickException(f"用户名 {username} 已存在。")
    if not password:
        password = getpass.getpass("初始密码：")
    user = User(username=username, display_name=display_name, role="province", created_by="cli")
    user.set_place(PROVINCE_CODE)
    try:
        user.set_password(password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    user.must_change_password = True
    user.save()
    audit.record("create", user, actor="cli", detail="flask create-admin")
    click.echo(f"已创建自治区账号 {username}，首次登录须修改密码。")


@click.command("rebuild-rosters")
def rebuild_rosters():
    """从儿童档案重建各乡镇（街道）的列表索引（异常中断或手工改库之后使用）。"""
    from .services.children.roster import rebuild

    click.echo(f"已重建列表索引：{rebuild()} 份档案。")


@click.command("warm-figures")
def warm_figures():
    """Compute every township's figures for today (cron, e.g. 00:05: the first county or
    province page of the day then reads them instead of every roster)."""
    from .services.figures.summaries import refresh

    click.echo(f"已计算 {refresh()} 个乡镇（街道）的今日统计。")


@click.command("backup")
@click.argument("path", required=False)
@with_appcontext
def backup_command(path):
    """把整个数据库（含照片和扫描件）写入一个备份文件；系统可照常使用。"""
    from pathlib import Path

    import mongoengine

    from . import backup, db
    from .core import clock

    target = Path(path or f"未保站备份-{clock.to_local(clock.now()):%Y%m%d-%H%M}.zip")
    if target.exists():
        raise click.ClickException(f"文件已存在：{target}（请换一个文件名）。")
    embedded = None if current_app.config.get("MONGODB_URI") else db._server
    try:
        manifest = backup.backup(mongoengine.get_db(), target, embedded=embedded)
    except Exception:
        target.unlink(missing_ok=True)
        raise
    total = sum(c["count"] for c in manifest["collections"].values())
    audit.record(
        "export", actor="cli", detail=f"flask backup：全库备份 {total} 条记录 → {target.name}"
    )
    note = (
        ""
        if manifest["consistent"]
        else "（注意：该服务器不支持快照读取，备份期间的写入可能只部分包含）"
    )
    click.echo(f"已备份 {len(manifest['collections'])} 个集合、{total} 条记录：{target}{note}")


@click.command("restore")
@click.argument("path")
@click.option("--replace", is_flag=True, help="目标数据库不为空时先清空再恢复（慎用）")
@with_appcontext
def restore_command(path, replace):
    """把备份文件恢复到（空的）数据库。"""
    import mongoengine

    from . import backup
    from .documents import Place

    try:
        manifest = backup.restore(mongoengine.get_db(), path, replace=replace)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    Place.forget_cache()
    total = sum(c["count"] for c in manifest["collections"].values())
    click.echo(
        f"已恢复 {len(manifest['collections'])} 个集合、{total} 条记录（备份时间 {manifest['taken_at']}）。"
    )


@click.command("migrate")
@with_appcontext
def migrate_command():
    """运行尚未执行的数据迁移（按日期顺序；每项只执行一次并记录在数据库中）。"""
    import mongoengine

    from . import migrations

    try:
        results = migrations.run(mongoengine.get_db())
    except migrations.DatabaseNewer as exc:
        raise click.ClickException(str(exc)) from exc
    for name, result in results:
        click.echo(f"{name}：{result}")
    click.echo(
        f"数据迁移完成：本次执行 {len(results)} 项。" if results else "数据迁移：没有待执行的项。"
    )


@click.command("rotate-field-keys")
@with_appcontext
def rotate_field_keys():
    """用 FIELD_ENCRYPTION_KEY 的第一个密钥重新加密所有加密字段（轮换密钥后执行）。"""
    import mongoengine

    from .crypto import rotate_all

    done, unreadable = rotate_all(mongoengine.get_db())
    audit.record("update", actor="cli", detail=f"flask rotate-field-keys：重新加密 {done} 份")
    click.echo(f"已重新加密 {done} 份记录。")
    if unreadable:
        raise click.ClickException(
            f"{unreadable} 项无法用现有任何密钥解密：请把旧密钥加回 FIELD_ENCRYPTION_KEY 后重试。"
        )


@click.command("create-indexes")
@with_appcontext
def create_indexes():
    """创建数据库索引（安装后和每次升级后执行；可重复执行）。"""
    import mongoengine

    from .indexes import create_all

    found = create_all(mongoengine.get_db())
    for collection, name in found:
        click.echo(f"  {collection}: {name}")
    click.echo(f"索引已就绪：共 {len(found)} 个。")


def init_app(app) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(create_admin)
    app.cli.add_command(rebuild_rosters)
    app.cli.add_command(warm_figures)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(migrate_command)
    app.cli.add_command(rotate_field_keys)
    app.cli.add_command(create_indexes)
