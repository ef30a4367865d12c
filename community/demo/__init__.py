"""The demo community loaded by `manage.py load_demo`: an invented retailer and its customers.

Everything here is fiction written for the demo. Email addresses use example.com/.org
and phone numbers use Ofcom's range reserved for drama (07700 900xxx).
"""
