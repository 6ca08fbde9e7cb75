"""`flask seed …` and `flask create-admin`."""

import getpass

import click
from flask import current_app
from flask.cli import AppGroup

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
    from .services.roster import rebuild

    click.echo(f"已重建列表索引：{rebuild()} 份档案。")


@click.command("warm-figures")
def warm_figures():
    """Compute every township's figures for today (cron, e.g. 00:05: the first county or
    province page of the day then reads them instead of every roster)."""
    from .services.summaries import refresh

    click.echo(f"已计算 {refresh()} 个乡镇（街道）的今日统计。")


def init_app(app) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(create_admin)
    app.cli.add_command(rebuild_rosters)
    app.cli.add_command(warm_figures)
