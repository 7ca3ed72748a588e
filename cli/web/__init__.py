"""The local web page of ``perfscore serve``: settings, workspaces, uploads, the page's view and the routes.

``settings`` what the server was started with; ``workspaces`` an officer's uploads and judgments;
``uploads`` the posted form within its limits; ``views`` the scored tables arranged for the page;
``app`` the routes. Templates and static files sit beside them.
"""
