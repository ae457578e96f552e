-- Comarch ERP XL sample data. Dates: 81462 = 2024-01-10, 81476 = 2024-01-24, 81493 = 2024-02-10,
-- 81507 = 2024-02-24, 81536 = 2024-03-24, 81464 = 2024-01-12, 81509 = 2024-02-26.
--  1 Żabka    company, three-line name, landline; open invoice, EUR invoice, a paid invoice,
--             a liability (TrP_Typ 1)
--  2 Kowalski person; one invoice in two instalments, the first partly paid and below the
--             configured minimum (excluded), mobile in Knt_Telefon2
--  3 Nowak    person without e-mail or phone; a receipt with a series (PA-6/24/A) and an
--             instalment without a due date (Clarion 0: quarantine)
INSERT INTO CDN.KntKarty (Knt_GIDTyp,Knt_GIDNumer,Knt_Akronim,Knt_Nazwa1,Knt_Nazwa2,Knt_Nazwa3,Knt_KodP,Knt_Miasto,Knt_Ulica,Knt_Adres,Knt_Nip,Knt_Telefon1,Knt_Telefon2,Knt_EMail,Knt_Osoba) VALUES
 (32,1,'ZABKA','Hurtownia „Żabka”','Spółka Akcyjna','Oddział Pomorski','80-001','Gdańsk','ul. Długa','1','5250000009','58 555 66 77','','faktury@zabka.pl',0),
 (32,2,'KOWALSKI','Jan Kowalski','','','30-001','Kraków','ul. Krzywa','5/2','','','+48600100200','',1),
 (32,3,'NOWAK','Ewa Nowak','','','80-002','Sopot','ul. Morska','7','','','','',1);
INSERT INTO CDN.Obiekty (OB_GIDTyp,OB_Skrot) VALUES (2033,'FS'),(2041,'PA'),(1521,'FZ');
INSERT INTO CDN.TraNag (TrN_GIDTyp,TrN_GIDNumer,TrN_TrNNumer,TrN_TrNRok,TrN_TrNSeria,TrN_Data2) VALUES
 (2033,1,1,2024,'',81462),
 (2033,2,2,2024,'',81462),
 (2033,3,3,2024,'',81462),
 (2033,4,4,2024,'',81464),
 (2033,5,5,2024,'',81464),
 (2041,6,6,2024,'A',81464),
 (1521,7,7,2024,'',81462);
INSERT INTO CDN.TraPlat (TrP_GIDTyp,TrP_GIDNumer,TrP_GIDLp,TrP_Typ,TrP_KntTyp,TrP_KntNumer,TrP_Rozliczona,TrP_Kwota,TrP_Pozostaje,TrP_Waluta,TrP_Termin) VALUES
 (2033,1,1,2,32,1,0,1230,1230,'',81476),
 (2033,2,1,2,32,2,0,300,100,'',81476),
 (2033,2,2,2,32,2,0,300,300,'PLN',81507),
 (2033,3,1,2,32,1,1,500,0,'',81476),
 (2033,4,1,2,32,1,0,100,100,'EUR',81493),
 (2033,5,1,2,32,3,0,80,80,'',0),
 (2041,6,1,2,32,3,0,45.5,45.5,'',81509),
 (1521,7,1,1,32,1,0,999,999,'',81536);
