"""HTTP routes of the survey service, one module per audience."""

from services.survey.routes import analysis, answering, campaigns, observatory, questionnaires

routers = [
    campaigns.router,
    questionnaires.router,
    answering.router,
    analysis.router,
    analysis.history_router,
    observatory.router,
    observatory.peers_router,
]
