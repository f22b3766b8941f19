// Renders the service's own contract (a file of its own: the services allow no inline script).
window.ui = SwaggerUIBundle({ url: "/openapi", dom_id: "#contract", deepLinking: true });
