window.CRD_SEARCH_MANIFEST = {"documents":450,"docs_block":1000,"postings_block":10000,"blocks":1};
