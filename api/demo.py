"""Demo data of the API: the three external systems of the article as clients, and the provincial
platform's webhook subscription, inactive.

- 山东省专业技术人员管理服务平台 (the provincial platform) reads batches, filed results and certificates,
  and receives the filing and certificate events;
- 枣庄市工业和信息化局 (the industry department) reads and writes enterprises and their recognitions;
- 枣庄市专业技术人员继续教育平台 (the training platform) submits continuing-education hours.

No token is kept: a token exists only when it is made, so ``manage.py api_client rotate <name>``
prints one for the walk (README "For integrators"). The subscription stays inactive: without a broker
the delivery would run in the web process, retried against an address that answers nothing.
"""

from django.db import transaction

from api import services
from api.models import ApiClient, Scope
from api.models_webhooks import WebhookEvent, WebhookSubscription
from api.webhooks import subscription_change, subscription_create
from zaozhuang_titles.models import User

PROVINCE = "山东省专业技术人员管理服务平台"
INDUSTRY = "枣庄市工业和信息化局"
TRAINING = "枣庄市专业技术人员继续教育平台"

CLIENTS = [
    (PROVINCE, "山东省人力资源和社会保障厅", [Scope.BATCHES_READ, Scope.RESULTS_READ, Scope.WEBHOOKS], 120),
    (INDUSTRY, "枣庄市工业和信息化局", [Scope.ENTERPRISES_READ, Scope.ENTERPRISES_WRITE], 60),
    (TRAINING, "枣庄市人力资源和社会保障局", [Scope.HOURS_WRITE], 60),
]
#: The provincial platform's receiver on the government network (an example address: inactive).
PROVINCE_HOOK = "https://zjpt.hrss.shandong.example/hooks/zaozhuang"


@transaction.atomic
def seed(*, stdout=None):
    city = User.objects.filter(username="city").first()
    made = []
    for name, organisation, scopes, rate in CLIENTS:
        if ApiClient.objects.filter(name=name).exists():
            continue
        services.client_create(
            name=name, organisation=organisation, scopes=list(scopes), rate_limit_per_minute=rate, actor=city
        )
        made.append(name)
    province = ApiClient.objects.get(name=PROVINCE)
    if not WebhookSubscription.objects.filter(client=province).exists():
        subscription, _secret = subscription_create(
            client=province,
            target_url=PROVINCE_HOOK,
            events=list(WebhookEvent.values),
            description="备案、发证和撤销证书时推送省平台（演示：未启用）",
            actor=city,
        )
        subscription.is_active = False
        subscription_change(subscription=subscription, actor=city)
    if stdout is not None:
        stdout.write(f"API: {len(made)} demo clients made" if made else "API: demo clients already there.")
