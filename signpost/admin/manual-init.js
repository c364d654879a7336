// Loaded before decap-cms.js: signpost-cms.js registers Signpost's file formats, then starts the CMS.
window.CMS_MANUAL_INIT = true;
